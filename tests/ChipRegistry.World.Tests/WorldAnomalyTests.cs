using System.Diagnostics;
using ChipRegistry.Testing;
using ChipRegistry.World.Anomalies;

namespace ChipRegistry.World.Tests;

/// <summary>
/// A world of a few hundred chips with every injector on, generated with its clock ticking (a day at a time, as
/// <c>chipreg seed</c> moves the API's manual clock) and the daemon beside it, then caught up: each injected anomaly has
/// its flag, no near miss has one, and any other flag fails the test, listed with its rule, subject and explanation.
/// </summary>
public sealed class WorldAnomalyTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int Chips = 300;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_ticking_world_raises_exactly_the_flags_it_reports_each_injected_one_and_no_near_miss()
    {
        var clock = Stopwatch.StartNew();
        await using var world = await IncrementalWorld.GenerateAsync(fixture.DataSource, new WorldSettings(GeneratedWorldFixture.Seed, Chips), Cancel, ticks: true);
        var flags = await WorldFlags.ReadAsync(world, Cancel);
        var anomalies = world.Report.Anomalies;
        TestContext.Current.TestOutputHelper?.WriteLine($"{Chips} chips, {world.Report.Events} events, {flags.Count} flags in {clock.Elapsed.TotalSeconds:F0} s");

        Assert.NotEmpty(anomalies.Injected);
        Assert.NotEmpty(anomalies.NearMisses);
        var missing = anomalies.Injected.Where(i => !flags.Any(f => Concerns(f, i))).ToList();
        Assert.True(missing.Count == 0, $"injected without their flag:\n{string.Join('\n', missing)}");
        var raisedOnNearMisses = flags.Where(f => anomalies.NearMisses.Any(m => Concerns(f, m))).ToList();
        Assert.True(raisedOnNearMisses.Count == 0, $"near misses flagged:\n{string.Join('\n', raisedOnNearMisses)}");
        var expected = anomalies.ByRule.ToDictionary(a => a.Rule, a => a.Flags);
        var byRule = flags.GroupBy(f => f.Rule).ToDictionary(g => g.Key, g => g.ToList());
        var wrong = expected.Keys.Union(byRule.Keys).Order()
            .Where(rule => expected.GetValueOrDefault(rule) != byRule.GetValueOrDefault(rule, []).Count)
            .Select(rule => $"rule {rule}: {expected.GetValueOrDefault(rule)} expected, {byRule.GetValueOrDefault(rule, []).Count} raised:\n  "
                            + string.Join("\n  ", byRule.GetValueOrDefault(rule, []).Where(f => !anomalies.Injected.Any(i => Concerns(f, i)))))
            .ToList();
        Assert.True(wrong.Count == 0, $"flags the world did not report, or reported and not raised:\n{string.Join('\n', wrong)}");
    }

    private static bool Concerns(WorldFlag flag, InjectedFlag injected) =>
        flag.Rule == injected.Rule && flag.SubjectKind == injected.SubjectKind && flag.SubjectId == injected.SubjectId;
}
