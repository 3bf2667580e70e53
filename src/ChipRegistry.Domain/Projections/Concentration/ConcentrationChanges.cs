using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using Npgsql;

namespace ChipRegistry.Domain.Projections.Concentration;

/// <summary>
/// <c>concentration_changes</c>: the net change in the number of chips of each chip-local combination (status, model,
/// owner, custodian, country, facility, cluster, tenant), per UTC day, per month and per year. A stay adds one at
/// the day it starts and takes one away at the day it ends, at each of the three grains; the count of a
/// combination at the end of day D is then the sum of the years before D's year, the months of that year before
/// D's month and the days of D's month up to D: at most some tens of rows per combination, whatever the history.
/// Written by <see cref="ChipPlacementProjection"/> in the batch that replaces a chip's stays: the chip's old stays
/// count negatively and its new ones positively, so a re-fold that changes nothing writes nothing.
/// </summary>
public static class ConcentrationChanges
{
    public const string TableName = "concentration_changes";

    /// <summary>The chip-local combination, in the order of the table's columns.</summary>
    internal const string Combination = "status, model_id, owner_id, custodian_id, country, facility_id, cluster_id, tenant_id";

    public static ProjectionTable Table { get; } = new(TableName,
        $"""
        (grain char(1) not null, period date not null, status text not null, model_id text, owner_id text, custodian_id text,
         country text, facility_id text, cluster_id text, tenant_id text, chips bigint not null,
         unique nulls not distinct (grain, period, {Combination}))
        """,
        ["(grain) where chips = 0"]);

    /// <summary>
    /// Drops the rows whose changes have come back to zero (a stay moved by a late report or a void), so the table
    /// holds exactly what a rebuild would write; the partial index finds them without a scan.
    /// </summary>
    public static NpgsqlBatchCommand Prune(AsyncProjectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new NpgsqlBatchCommand($"delete from {batch.Table(TableName)} where chips = 0");
    }

    /// <summary>
    /// Adds the net changes of replacing the stays of <paramref name="chips"/> with <paramref name="stays"/>; it must
    /// run before the stays are deleted (it reads the old ones).
    /// </summary>
    public static NpgsqlBatchCommand Upsert(AsyncProjectionBatch batch, string[] chips, IReadOnlyList<Placement> stays)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(stays);
        var command = new NpgsqlBatchCommand(
            $"""
            {Sums(
                $"""
                select -1 as sign, valid_from, valid_to, {Combination}
                from {batch.Table(ChipPlacementProjection.TableName)} where chip_id = any($1)
                union all
                select 1, valid_from, valid_to, {Combination} from {PlacementRows.Unnest(2)}
                """, batch)}
            on conflict (grain, period, {Combination}) do update set chips = c.chips + excluded.chips
            """);
        command.Parameters.Add(TouchedStreams.Texts(chips));
        PlacementRows.AddArrays(command.Parameters, stays);
        return command;
    }

    /// <summary>
    /// A one-pass rebuild's counts, derived from the stays it has written in one statement: every stay of the
    /// (empty) table's projection counted once, which is what the batches' upserts add up to.
    /// </summary>
    public static NpgsqlBatchCommand FillFromStays(AsyncProjectionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new NpgsqlBatchCommand(Sums(
            $"select 1 as sign, valid_from, valid_to, {Combination} from {batch.Table(ChipPlacementProjection.TableName)}", batch));
    }

    /// <summary>
    /// The insert of the signed stays' changes: each stay adds <c>sign</c> at the day it starts and takes it away at
    /// the day it ends, at the three grains, summed per key; sums of zero are no row.
    /// </summary>
    private static string Sums(string signedStays, AsyncProjectionBatch batch) =>
        $"""
        with stays as (
            {signedStays}
        ), points as (
            select sign as chips, (valid_from at time zone 'UTC')::date as day, {Combination} from stays
            union all
            select -sign, (valid_to at time zone 'UTC')::date, {Combination} from stays where valid_to is not null
        ), grains as (
            select 'd' as grain, day as period, chips, {Combination} from points
            union all
            select 'm', date_trunc('month', day)::date, chips, {Combination} from points
            union all
            select 'y', date_trunc('year', day)::date, chips, {Combination} from points
        )
        insert into {batch.Table(TableName)} as c (grain, period, {Combination}, chips)
        select grain, period, {Combination}, sum(chips) from grains
        group by grain, period, {Combination}
        having sum(chips) <> 0
        """;
}
