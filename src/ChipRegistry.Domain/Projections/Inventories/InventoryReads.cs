using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Inventories;

/// <summary>
/// An organisation's inventory, read from the open stays of <c>chip_placements</c> (the partial index on the custodian
/// of open stays finds them). A chip is idle since the end of its last stay that was not "in stock with this custodian"
/// (or since its first stay when it never left): an installation, a shipment away, or another holder ends an idle run.
/// </summary>
public sealed class InventoryReads(RegistryReads reads, NpgsqlDataSource dataSource)
{
    public async Task<Inventory> LoadAsync(string organisationId, int idleChips, CancellationToken cancellationToken = default)
    {
        var placements = $"{reads.Store.Schema.Quoted}.{ChipPlacementProjection.TableName}";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the counts, the idle chips and the position they reflect.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var held =
            $"""
            with held as (
                select p.chip_id, p.model_id, p.status,
                       case when p.status = 'in_stock' then coalesce(
                           (select max(e.valid_to) from {placements} e
                            where e.chip_id = p.chip_id and e.valid_to is not null and not (e.custodian_id = $1 and e.status = 'in_stock')),
                           (select min(f.valid_from) from {placements} f where f.chip_id = p.chip_id)) end as idle_since
                from {placements} p
                where p.valid_to is null and p.custodian_id = $1 and p.status in ('in_stock', 'installed'))
            """;
        var models = new NpgsqlBatchCommand(
            $"""
            {held}
            select model_id, count(*), count(*) filter (where status = 'installed'), count(*) filter (where status = 'in_stock'), min(idle_since)
            from held group by model_id order by model_id
            """);
        models.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        batch.BatchCommands.Add(models);
        var idle = new NpgsqlBatchCommand(
            $"""
            {held}
            select chip_id, model_id, idle_since from held where status = 'in_stock' order by idle_since, chip_id limit $2
            """);
        idle.Parameters.Add(new NpgsqlParameter<string> { TypedValue = organisationId });
        idle.Parameters.Add(new NpgsqlParameter<int> { TypedValue = idleChips });
        batch.BatchCommands.Add(idle);
        var progress = new NpgsqlBatchCommand($"select coalesce(max(last_seq_id), 0) from {reads.Store.Schema.Quoted}.projection_progress where name = $1");
        progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ChipPlacementProjection.TableName });
        batch.BatchCommands.Add(progress);

        var byModel = new List<ModelInventory>();
        var oldest = new List<IdleChip>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byModel.Add(new ModelInventory(Text(reader, 0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<Instant>(4)));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            oldest.Add(new IdleChip(reader.GetString(0), Text(reader, 1), reader.GetFieldValue<Instant>(2)));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Inventory(byModel, oldest, reader.GetInt64(0));
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
