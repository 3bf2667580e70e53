using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// A rule's facts table, each row tagged with the group (one flag per group) it belongs to. A rule re-judges a group
/// from all of the group's facts, never from the batch alone, so the flag is a function of the facts whatever the batch
/// boundaries: <see cref="JudgeAsync"/> reads the touched groups' facts and their flags, hands each group to the rule's
/// pure judgement and writes what it returns.
/// </summary>
/// <param name="factsTable">The rule's facts table; it has a <c>group_key</c> column.</param>
/// <param name="columns">The columns <paramref name="read"/> reads, in order from index 0.</param>
/// <param name="read">Reads one fact from the current row.</param>
/// <param name="flagsTable">The rule's flag table (<see cref="FlagTable.Declare"/>).</param>
public sealed class GroupedFacts<TFact>(string factsTable, string columns, Func<NpgsqlDataReader, TFact> read, string flagsTable)
{
    /// <summary>The facts of each given group; a group with no facts left maps to an empty list.</summary>
    public async Task<Dictionary<string, List<TFact>>> ReadAsync(
        AsyncProjectionBatch batch, IReadOnlyCollection<string> groups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(groups);
        var facts = groups.Distinct(StringComparer.Ordinal).ToDictionary(g => g, _ => new List<TFact>(), StringComparer.Ordinal);
        if (facts.Count == 0) return facts;
        await using var command = batch.CreateCommand($"select {columns}, group_key from {batch.Table(factsTable)} where group_key = any($1)");
        command.Parameters.Add(TouchedStreams.Texts(facts.Keys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var groupAt = reader.FieldCount - 1;
        while (await reader.ReadAsync(cancellationToken)) facts[reader.GetString(groupAt)].Add(read(reader));
        return facts;
    }

    /// <summary>
    /// Judges each given group from its facts and the flag it has (null when none), and writes the flags
    /// <paramref name="judge"/> returns (null: the group has no flag). Returns the facts it read.
    /// </summary>
    public Task<Dictionary<string, List<TFact>>> JudgeAsync(
        AsyncProjectionBatch batch, IReadOnlyCollection<string> groups, Func<IReadOnlyList<TFact>, Flag?, Flag?> judge,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(judge);
        return JudgeGroupsAsync(batch, groups, (_, rows, flag) => judge(rows, flag), cancellationToken);
    }

    /// <summary>
    /// A deadline rule's judgement: each given group judged as <see cref="JudgeAsync"/> does, by a judgement that also
    /// gives the group's next due instant, recorded in <paramref name="due"/> (a group without one leaves the index).
    /// </summary>
    public async Task JudgeAndScheduleAsync(
        AsyncProjectionBatch batch, IReadOnlyCollection<string> groups, Func<IReadOnlyList<TFact>, Flag?, (Flag? Flag, Instant? Due)> judge,
        DueIndex due, bool markChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(due);
        if (groups.Count == 0) return;
        var dues = new List<GroupDue>();
        var facts = await JudgeGroupsAsync(batch, groups, (group, rows, existing) =>
        {
            var (flag, at) = judge(rows, existing);
            if (at is { } dueAt && rows.Count > 0) dues.Add(new GroupDue(group, dueAt));
            return flag;
        }, cancellationToken);
        await due.ScheduleAsync(batch, facts.Keys, dues, markChanged, cancellationToken);
    }

    /// <summary>The groups with a fact meeting <paramref name="condition"/> (SQL over the facts table's columns; $1... are <paramref name="parameters"/>).</summary>
    public async Task<List<string>> GroupsWhereAsync(
        AsyncProjectionBatch batch, string condition, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var groups = new List<string>();
        await using var command = batch.CreateCommand($"select distinct group_key from {batch.Table(factsTable)} where {condition}");
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) groups.Add(reader.GetString(0));
        return groups;
    }

    private async Task<Dictionary<string, List<TFact>>> JudgeGroupsAsync(
        AsyncProjectionBatch batch, IReadOnlyCollection<string> groups, Func<string, IReadOnlyList<TFact>, Flag?, Flag?> judge,
        CancellationToken cancellationToken)
    {
        var facts = await ReadAsync(batch, groups, cancellationToken);
        if (facts.Count == 0) return facts;
        var existing = await FlagTable.ReadByGroupAsync(batch, flagsTable, facts.Keys, cancellationToken);
        var flags = new List<(string, Flag)>();
        foreach (var (group, rows) in facts)
        {
            if (judge(group, rows, existing.GetValueOrDefault(group)) is { } flag) flags.Add((group, flag));
        }
        await FlagTable.UpsertAsync(batch, flagsTable, flags, cancellationToken);
        return facts;
    }
}
