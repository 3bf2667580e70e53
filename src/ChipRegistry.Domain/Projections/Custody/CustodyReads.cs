using ChipRegistry.Domain.Persistence;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Custody;

/// <summary>The events behind custody steps: type and business time of each, in one primary-key lookup.</summary>
public sealed class CustodyReads(RegistryReads reads, NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyDictionary<long, CustodyCause>> CausesAsync(IEnumerable<CustodyStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var seqIds = steps.Select(s => s.StartedBySeqId).Distinct().ToArray();
        var causes = new Dictionary<long, CustodyCause>();
        if (seqIds.Length == 0) return causes;
        await using var command = dataSource.CreateCommand(
            $"select seq_id, type, occurred_at from {reads.Store.Schema.Quoted}.events where seq_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = seqIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            causes[reader.GetInt64(0)] = new CustodyCause(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<Instant>(2));
        }
        return causes;
    }
}
