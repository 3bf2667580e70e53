using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// A chip's stays as readers get them: from <c>chip_placements</c> with the position the daemon had reached, or, for
/// a former holder, folded from the stream up to where its holding ended (what it may see), never from later facts.
/// </summary>
public sealed class PlacementReads(RegistryReads reads, NpgsqlDataSource dataSource)
{
    private static readonly IReadOnlyDictionary<string, ChipStage> Stages =
        Enum.GetValues<ChipStage>().ToDictionary(ChipStateProjection.StageName, s => s, StringComparer.Ordinal);

    /// <summary>The projected stays and the sequence number the projection has applied up to.</summary>
    public async Task<(IReadOnlyList<Placement> Stays, long ProjectedThrough)> LoadAsync(string chipId, CancellationToken cancellationToken = default)
    {
        var schema = reads.Store.Schema.Quoted;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the rows and the position they reflect: read apart, a batch committed between the two
        // statements gave a position the rows did not yet show, and a caller waiting for it read stale rows.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var rows = new NpgsqlBatchCommand(
            $"""
            select chip_id, ordinal, valid_from, valid_to, status, model_id, owner_id, custodian_id, country, facility_id, cluster_id,
                   operator_id, tenant_id, assembly_id, started_by_seq_id
            from {schema}.{ChipPlacementProjection.TableName} where chip_id = $1 order by ordinal
            """);
        rows.Parameters.Add(new NpgsqlParameter<string> { TypedValue = chipId });
        batch.BatchCommands.Add(rows);
        var progress = new NpgsqlBatchCommand($"select coalesce(max(last_seq_id), 0) from {schema}.projection_progress where name = $1");
        progress.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ChipPlacementProjection.TableName });
        batch.BatchCommands.Add(progress);

        var stays = new List<Placement>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stays.Add(new Placement(
                reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<Instant>(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<Instant>(3),
                Stages[reader.GetString(4)], Text(reader, 5), Text(reader, 6), Text(reader, 7), Text(reader, 8), Text(reader, 9), Text(reader, 10),
                Text(reader, 11), Text(reader, 12), Text(reader, 13), reader.GetInt64(14)));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (stays, reader.GetInt64(0));
    }

    /// <summary>The stays folded from the chip's stream up to and including <paramref name="version"/>.</summary>
    public async Task<IReadOnlyList<Placement>> FoldUpToAsync(string chipId, long version, CancellationToken cancellationToken = default)
    {
        var stream = await reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
        return PlacementFold.Of(chipId,
            [.. stream.Where(e => e.Version <= version && e.Data is IChipEvent).Select(e => new SequencedChipEvent(e.SeqId, (IChipEvent)e.Data))]);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
