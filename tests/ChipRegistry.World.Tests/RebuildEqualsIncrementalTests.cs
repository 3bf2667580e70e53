using System.Diagnostics;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;

namespace ChipRegistry.World.Tests;

/// <summary>
/// The daemon's rebuild from zero gives every async projection the same rows as applying the world's events batch by
/// batch while they were appended. 10,000 chips (issue 12): the one test of the suite that generates a world that
/// large, in a database of its own.
/// </summary>
public sealed class RebuildEqualsIncrementalTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int Chips = 10_000;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_rebuild_equals_the_incremental_result_on_a_generated_world_of_10000_chips()
    {
        var clock = Stopwatch.StartNew();
        await using var world = await IncrementalWorld.GenerateAsync(fixture.DataSource, new WorldSettings(GeneratedWorldFixture.Seed, Chips), Cancel);
        var generated = clock.Elapsed;
        Assert.Equal(Chips, world.Report.Chips);

        var schema = world.Store.Schema.Quoted;
        var tables = world.Daemon.Projections.SelectMany(p => p.Projection.Tables.Select(t => (Projection: p.Name, Table: t.Name))).ToList();
        foreach (var (_, table) in tables)
        {
            await ExecuteAsync($"create table {schema}.incremental_{table} as select x::text as row from {schema}.{table} x");
        }
        foreach (var projection in world.Daemon.Projections)
        {
            var result = await world.Daemon.RebuildAsync(projection.Name, Cancel);
            Assert.Equal(0, result.DeadLetters);
            // A projection that folds each stream once must have done so, not fallen back to batches unnoticed.
            Assert.Equal(projection.Projection is IRebuildsFromZero, result.Phases.Any(p => p.Name == "one_pass"));
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{projection.Name} rebuilt: {string.Join(", ", result.Phases.Select(p => $"{p.Name} {p.Elapsed.TotalMilliseconds:F0} ms"))}");
        }

        foreach (var (projection, table) in tables)
        {
            var rows = await ScalarAsync($"select count(*) from {schema}.{table}");
            var incrementalRows = await ScalarAsync($"select count(*) from {schema}.incremental_{table}");
            var onlyIncremental = await ScalarAsync($"select count(*) from (select row from {schema}.incremental_{table} except all select x::text from {schema}.{table} x) d");
            var onlyRebuilt = await ScalarAsync($"select count(*) from (select x::text from {schema}.{table} x except all select row from {schema}.incremental_{table}) d");
            TestContext.Current.TestOutputHelper?.WriteLine($"{projection}.{table}: {rows} rows");
            // This world appends no clock ticks (the deadline rules judge nothing) and its injectors cover only a few
            // rules, so a detection rule's tables may rightly be empty here; they are still compared. Every other table must hold rows.
            Assert.True(rows > 0 || DetectionRules.Contains(projection), $"{projection}.{table} is empty: a comparison of nothing proves nothing");
            Assert.True((incrementalRows, onlyIncremental, onlyRebuilt) == (rows, 0, 0),
                $"{projection}.{table}: {incrementalRows} rows incrementally, {rows} rebuilt; {onlyIncremental} only incrementally, {onlyRebuilt} only rebuilt");
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Chips} chips, {world.Report.Events} events: generated and projected in {generated.TotalSeconds:F0} s, rebuilt and compared in {(clock.Elapsed - generated).TotalSeconds:F0} s");
    }

    private static readonly HashSet<string> DetectionRules =
        [ChipRegistry.Domain.Detection.CustodyGap.CustodyGapProjection.Prefix, ChipRegistry.Domain.Detection.LicenceCheckFailed.LicenceCheckFailedProjection.Prefix,
         ChipRegistry.Domain.Detection.LateReport.LateReportProjection.Prefix, ChipRegistry.Domain.Detection.ConsigneeMismatch.ConsigneeMismatchProjection.Prefix,
         ChipRegistry.Domain.Detection.LocationMismatch.LocationMismatchProjection.Prefix,
         ChipRegistry.Domain.Detection.OverCapacity.OverCapacityProjection.Prefix,
         ChipRegistry.Domain.Detection.ImpossibleSerial.ImpossibleSerialProjection.Prefix,
         ChipRegistry.Domain.Detection.AttestationSilence.AttestationSilenceProjection.Prefix,
         ChipRegistry.Domain.Detection.TaintedOrigin.TaintedOriginProjection.Prefix,
         ChipRegistry.Domain.Detection.NewEntity.NewEntityProjection.Prefix, ChipRegistry.Domain.Detection.IdleInventory.IdleInventoryProjection.Prefix,
         ChipRegistry.Domain.Detection.PayerJurisdiction.PayerJurisdictionProjection.Prefix,
         ChipRegistry.Domain.Detection.TransshipmentHop.TransshipmentHopProjection.Prefix, ChipRegistry.Domain.Detection.Divergence.DivergenceProjection.Prefix,
         ChipRegistry.Domain.Detection.RestrictedTenancy.RestrictedTenancyProjection.Prefix,
         ChipRegistry.Domain.Detection.ConcentrationThreshold.ConcentrationThresholdProjection.Prefix,
         ChipRegistry.Domain.Detection.PreRuleSurge.PreRuleSurgeProjection.Prefix];

    private async Task ExecuteAsync(string sql)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }
}
