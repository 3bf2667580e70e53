using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// Stays as rows of <c>chip_placements</c>: its columns, and the two ways a batch sends stays to the server, as one
/// array per column (a batch's replaced stays, and the new stays <see cref="Concentration.ConcentrationChanges"/>
/// counts) or as a binary COPY (a one-pass rebuild).
/// </summary>
internal static class PlacementRows
{
    public const string Columns =
        "chip_id, ordinal, valid_from, valid_to, status, model_id, owner_id, custodian_id, country, facility_id, cluster_id, operator_id, tenant_id, assembly_id, started_by_seq_id";

    private static readonly string[] SqlTypes =
        ["text", "int", "timestamptz", "timestamptz", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "bigint"];

    private static readonly IReadOnlyDictionary<ChipStage, string> StageNames =
        Enum.GetValues<ChipStage>().ToDictionary(s => s, ChipStateProjection.StageName);

    /// <summary>The stays as a relation <c>s</c> with the table's columns, from the arrays at parameters <paramref name="first"/> on.</summary>
    public static string Unnest(int first) =>
        $"unnest({string.Join(", ", SqlTypes.Select((type, k) => $"${first + k}::{type}[]"))}) as s({Columns})";

    /// <summary>Adds one array per column, in the order of <see cref="Columns"/>.</summary>
    public static void AddArrays(NpgsqlParameterCollection parameters, IReadOnlyList<Placement> rows)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.ChipId)));
        parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rows.Select(r => r.Ordinal)] });
        parameters.Add(new NpgsqlParameter<Instant[]> { TypedValue = [.. rows.Select(r => r.From)] });
        parameters.Add(new NpgsqlParameter<Instant?[]> { TypedValue = [.. rows.Select(r => r.To)] });
        parameters.Add(TouchedStreams.Texts(rows.Select(r => ChipStateProjection.StageName(r.Status))));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.ModelId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.OwnerId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.CustodianId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.Country)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.FacilityId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.ClusterId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.OperatorId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.TenantId)));
        parameters.Add(TouchedStreams.Texts(rows.Select(r => r.AssemblyId)));
        parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.StartedBySeqId)] });
    }

    /// <summary>Writes the stays into <paramref name="table"/> (a quoted, qualified name) with one binary COPY.</summary>
    public static async Task CopyAsync(AsyncProjectionBatch batch, string table, IEnumerable<Placement> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rows);
        await using var copy = await batch.Connection.BeginBinaryImportAsync($"copy {table} ({Columns}) from stdin (format binary)", cancellationToken);
        foreach (var r in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(r.ChipId, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(r.Ordinal, NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(r.From, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteAsync(copy, r.To, cancellationToken);
            await copy.WriteAsync(StageNames[r.Status], NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(copy, r.ModelId, cancellationToken);
            await WriteAsync(copy, r.OwnerId, cancellationToken);
            await WriteAsync(copy, r.CustodianId, cancellationToken);
            await WriteAsync(copy, r.Country, cancellationToken);
            await WriteAsync(copy, r.FacilityId, cancellationToken);
            await WriteAsync(copy, r.ClusterId, cancellationToken);
            await WriteAsync(copy, r.OperatorId, cancellationToken);
            await WriteAsync(copy, r.TenantId, cancellationToken);
            await WriteAsync(copy, r.AssemblyId, cancellationToken);
            await copy.WriteAsync(r.StartedBySeqId, NpgsqlDbType.Bigint, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    internal static async Task WriteAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null) await copy.WriteNullAsync(cancellationToken);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
    }

    internal static async Task WriteAsync(NpgsqlBinaryImporter copy, Instant? value, CancellationToken cancellationToken)
    {
        if (value is { } at) await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, cancellationToken);
        else await copy.WriteNullAsync(cancellationToken);
    }
}
