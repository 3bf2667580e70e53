using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.LicenceCheckFailed;

/// <summary>Filters of the failed-shipment search; every one optional. <see cref="AfterSeqId"/> is the cursor.</summary>
public sealed record LicenceCheckFailureQuery(
    string? Result = null, string? DestinationCountry = null, string? ShipperId = null, string? ConsigneeId = null, string? ChipId = null,
    Instant? ShippedFrom = null, Instant? ShippedBefore = null, bool IncludeVoided = false, long? AfterSeqId = null, int Limit = 50);

public sealed record LicenceCheckFailurePage(IReadOnlyList<FailedLicenceCheck> Shipments, long? NextAfterSeqId);

/// <summary>
/// The chips shipped with a failed licence check, across chips: rule 16's own table of failed shipments (one row per
/// chip shipped), so a shipment without a needed licence is found without reading any chip's history. It shows what
/// the rule's projection has reached, like the flags.
/// </summary>
public sealed class LicenceCheckFailureReads(IEventStore store, NpgsqlDataSource dataSource)
{
    public async Task<LicenceCheckFailurePage> ListAsync(LicenceCheckFailureQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand();
        var where = new List<string>();
        string Parameter<T>(T value)
        {
            command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
            return $"${command.Parameters.Count}";
        }
        if (query.Result is { } result) where.Add($"result = {Parameter(result)}");
        if (query.DestinationCountry is { } country) where.Add($"destination_country = {Parameter(country)}");
        if (query.ShipperId is { } shipper) where.Add($"shipper_id = {Parameter(shipper)}");
        if (query.ConsigneeId is { } consignee) where.Add($"consignee_id = {Parameter(consignee)}");
        if (query.ChipId is { } chip) where.Add($"chip_id = {Parameter(chip)}");
        if (query.ShippedFrom is { } from) where.Add($"shipped_at >= {Parameter(from)}");
        if (query.ShippedBefore is { } before) where.Add($"shipped_at < {Parameter(before)}");
        if (!query.IncludeVoided) where.Add("not voided");
        if (query.AfterSeqId is { } after) where.Add($"seq_id > {Parameter(after)}");
        command.CommandText =
            $"""
            select event_id, chip_id, seq_id, shipper_id, consignee_id, destination_country, shipped_at, result, detail, voided
            from {store.Schema.Quoted}.{LicenceCheckFailedProjection.ShipmentsTable}
            where {(where.Count == 0 ? "true" : string.Join(" and ", where))}
            order by seq_id, chip_id
            limit {Parameter(query.Limit + 1)}
            """;
        var shipments = new List<FailedLicenceCheck>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                shipments.Add(new FailedLicenceCheck(reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetFieldValue<Instant>(6), reader.GetString(7), reader.GetString(8), reader.GetBoolean(9)));
            }
        }
        var more = shipments.Count > query.Limit;
        if (more) shipments.RemoveAt(shipments.Count - 1);
        return new LicenceCheckFailurePage(shipments, more ? shipments[^1].SeqId : null);
    }
}
