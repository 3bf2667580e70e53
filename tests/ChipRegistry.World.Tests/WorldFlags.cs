using Npgsql;

namespace ChipRegistry.World.Tests;

/// <summary>A flag as a rule's table holds it, with the sentence that explains it.</summary>
public sealed record WorldFlag(int Rule, string SubjectKind, string SubjectId, string? Country, string[] Chips, string Explanation)
{
    public override string ToString() => $"rule {Rule}, {SubjectKind} {SubjectId}: {Explanation}";
}

/// <summary>The flags every rule's table holds in a world's schema, withdrawn ones left out (they are in no answer).</summary>
public static class WorldFlags
{
    public static async Task<List<WorldFlag>> ReadAsync(IncrementalWorld world, CancellationToken cancellationToken)
    {
        var schema = world.Store.Schema.Quoted;
        var tables = world.Daemon.Projections.SelectMany(p => p.Projection.Tables).Select(t => t.Name).Where(n => n.EndsWith("_flags", StringComparison.Ordinal)).ToList();
        var flags = new List<WorldFlag>();
        foreach (var table in tables)
        {
            await using var command = world.DataSource.CreateCommand(
                $"select rule, subject_kind, subject_id, country, chips, explanation from {schema}.{table} where not withdrawn");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                flags.Add(new WorldFlag(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetFieldValue<string[]>(4), reader.GetString(5)));
            }
        }
        return flags;
    }
}
