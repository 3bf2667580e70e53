using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.Testing;
using ChipRegistry.World.Cast;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace ChipRegistry.World.Tests;

/// <summary>
/// On generated worlds (seed and size chosen by FsCheck, projected by the daemon while generated), concentration as of
/// random dates of the timeline, in random groupings and filters, equals the brute-force fold of the events up to that
/// date (<see cref="ConcentrationOracle"/>).
/// </summary>
public sealed class AsOfConcentrationPropertyTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    // Each world takes seconds to generate; a few worlds of a few hundred chips already cross every rule change, route
    // and correction the generator makes (every world does), and each is asked many dates.
    private const int Worlds = 4;
    private const int QueriesPerWorld = 24;

    private static readonly int TimelineDays = Period.Between(Start, WorldSettings.End.InUtc().Date, PeriodUnits.Days).Days;

    private static LocalDate Start => WorldSettings.Start.InUtc().Date;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public sealed record WorldCase(int Seed, int Chips, int[] Queries)
    {
        public override string ToString() => $"seed {Seed}, {Chips} chips, queries [{string.Join(", ", Queries)}]";
    }

    public static class Cases
    {
        public static Arbitrary<WorldCase> Any() =>
            (from seed in Gen.Choose(1, int.MaxValue - 1)
             from chips in Gen.Choose(100, 300)
             from queries in Gen.Choose(0, int.MaxValue - 1).ArrayOf(QueriesPerWorld)
             select new WorldCase(seed, chips, queries)).ToArbitrary();
    }

    [Property(MaxTest = Worlds, Arbitrary = [typeof(Cases)])]
    public async Task as_of_concentration_equals_a_brute_force_fold_of_the_events_on_generated_worlds(WorldCase @case)
    {
        // Without the injectors: their scenarios are some 1,600 chips whatever the world's size, several times these
        // worlds, and WorldAnomalyTests judges them; the property is about the lots' own lives.
        await using var world = await IncrementalWorld.GenerateAsync(fixture.DataSource, new WorldSettings(@case.Seed, @case.Chips) { Anomalies = false }, Cancel);
        var recorded = await world.RecordedAsync(Cancel);
        var models = recorded.Select(r => r.Event).OfType<Domain.Chips.ChipFabricated>().Select(f => f.ModelId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var reads = new ConcentrationReads(world.Store.Schema, world.DataSource);
        var groupings = Enum.GetValues<ConcentrationGrouping>();

        var nonEmpty = 0;
        foreach (var q in @case.Queries)
        {
            var query = new ConcentrationQuery(groupings[q % groupings.Length], Start.PlusDays(q / groupings.Length % (TimelineDays + 10) - 5)) with
            {
                ModelId = q % 5 == 1 ? models[q / 5 % models.Length] : null,
                Status = q % 7 == 2 ? "installed" : q % 7 == 3 ? "in_stock" : null,
                Country = q % 13 == 4 ? "US" : null,
                OperatorId = q % 11 == 3 ? WorldOrganisations.ColossusOperator : null,
            };
            var expected = ConcentrationOracle.Of(recorded, query);
            var projected = ConcentrationOracle.Describe((await reads.ReadAsync(query, Cancel)).Groups);
            Assert.True(expected.SequenceEqual(projected),
                $"{@case}\n{query}\nexpected:\n{string.Join("\n", expected)}\nprojected:\n{string.Join("\n", projected)}");
            if (expected.Count > 0) nonEmpty++;
        }
        // Dates before the first chip, and filters that meet no chip of a small world (one model of many, the Colossus
        // operator, US only), give empty answers on both sides; a third of the queries must not, or the property proves
        // little. (Half was too strict: a 137-chip world had exactly 12 of 24.)
        Assert.True(nonEmpty >= QueriesPerWorld / 3, $"only {nonEmpty} of {QueriesPerWorld} queries had a group");
    }
}
