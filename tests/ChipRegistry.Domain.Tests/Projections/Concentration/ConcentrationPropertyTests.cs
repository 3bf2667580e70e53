using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Projections.Concentration;
using ChipRegistry.Domain.Tests.Persistence;
using ChipRegistry.Testing;
using FsCheck.Xunit;
using NodaTime;
using static ChipRegistry.Domain.Tests.Projections.Concentration.ConcentrationWorld;

namespace ChipRegistry.Domain.Tests.Projections.Concentration;

/// <summary>
/// For generated histories (a few chips, organisations, facilities and models; late reports, voids, tenancies,
/// sales, hand-overs, backdated parent changes, spec revisions and power declarations, appended in two rounds the
/// daemon applies in small batches), concentration as of random days in every grouping equals the brute-force fold
/// of the events up to that day (<see cref="ConcentrationOracle"/>).
/// </summary>
public sealed class ConcentrationPropertyTests(RegistryStoreFixture fixture) : IClassFixture<RegistryStoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string[] Models = ["nvidia-prop-a", "nvidia-prop-b"];
    private static readonly string[] Operators = ["o1", "o2"];

    [Property(MaxTest = 15)]
    public bool as_of_concentration_equals_a_brute_force_fold_of_the_events(int seed, int[] days) =>
        HoldsAsync(seed, days).GetAwaiter().GetResult();

    private async Task<bool> HoldsAsync(int seed, int[] days)
    {
        var random = new Random(seed);
        var world = new ConcentrationWorld(await fixture.StartAsync());
        await world.OrganisationAsync("o1", OrganisationKind.Operator, "US");
        await world.OrganisationAsync("o2", OrganisationKind.Operator, "SG");
        await world.OrganisationAsync("h1", OrganisationKind.Distributor, "CN");
        await world.OrganisationAsync("h2", OrganisationKind.Distributor, "AE");
        await world.OrganisationAsync("t1", OrganisationKind.EndUser, "DE");
        foreach (var model in Models) await world.ModelAsync(model);
        await world.FacilityAsync("fa", "o1", 100m);
        await world.FacilityAsync("fb", "o2", 50m);

        // Every append, in the order it will be recorded: chips' lives, then facts about the others, interleaved.
        var appends = new List<Func<Task>>();
        var chipCount = random.Next(1, 5);
        for (var c = 0; c < chipCount; c++)
        {
            foreach (var chunk in Life($"nvidia:p{c}", random)) appends.Add(() => world.ChipAsync(chunk[0].ChipId, chunk));
        }
        for (var k = random.Next(0, 4); k > 0; k--)
        {
            var org = new[] { "o1", "o2", "t1", "h2" }[random.Next(4)];
            var parent = org == "h2" ? new[] { "h1", null }[random.Next(2)] : new[] { "h1", "h2", null }[random.Next(3)];
            var from = Date(random.Next(0, 120));
            appends.Insert(random.Next(appends.Count + 1), () => world.ParentAsync(org, parent, from, Day(200)));
        }
        for (var k = random.Next(0, 3); k > 0; k--)
        {
            var facility = new[] { "fa", "fb" }[random.Next(2)];
            var change = new FacilityOperatorChanged(facility, Operators[random.Next(2)], Date(random.Next(0, 120)), "bis", Day(200));
            appends.Insert(random.Next(appends.Count + 1), () => world.FacilityEventAsync(change));
        }
        for (var k = random.Next(0, 3); k > 0; k--)
        {
            var declared = new FacilityPowerDeclared(new[] { "fa", "fb" }[random.Next(2)], random.Next(10, 300), "o1", Day(random.Next(0, 120), random.Next(24)));
            appends.Insert(random.Next(appends.Count + 1), () => world.FacilityEventAsync(declared));
        }
        for (var k = random.Next(0, 3); k > 0; k--)
        {
            var (model, fp8, at) = (Models[random.Next(2)], new[] { 1500m, 2000m, 2500m }[random.Next(3)], Day(random.Next(0, 120), random.Next(24)));
            appends.Insert(random.Next(appends.Count + 1), () => world.ReviseAsync(model, fp8, at));
        }

        using var daemon = world.Daemon(random.Next(1, 8));
        await daemon.StartAsync(Cancel);
        try
        {
            // Two rounds: what the first wrote must be corrected, not just written, by the second.
            var split = random.Next(appends.Count + 1);
            foreach (var append in appends.Take(split)) await append();
            await daemon.WaitForCatchUpAsync(Cancel);
            foreach (var append in appends.Skip(split)) await append();
            await daemon.WaitForCatchUpAsync(Cancel);

            foreach (var day in days.DefaultIfEmpty(random.Next()).Take(6))
            {
                var grouping = Enum.GetValues<ConcentrationGrouping>()[Math.Abs(day % 8)];
                var query = new ConcentrationQuery(grouping, Date(Math.Abs(day / 8 % 160) - 5)) with
                {
                    ModelId = day % 5 == 1 ? Models[0] : null,
                    Status = day % 7 == 2 ? "installed" : null,
                    OperatorId = day % 11 == 3 ? "o2" : null,
                };
                Assert.True(world.Expected(query).SequenceEqual(await world.ProjectedAsync(query)),
                    $"{query}\nexpected:\n{string.Join("\n", world.Expected(query))}\nprojected:\n{string.Join("\n", await world.ProjectedAsync(query))}\nevents:\n{string.Join("\n", world.Recorded.Select(r => r.Event))}");
            }
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
        return true;
    }

    private static LocalDate Date(int day) => Base.Plus(Duration.FromDays(day)).InUtc().Date;

    /// <summary>
    /// A chip's life cut short at a random step, its events a day or more apart; some reported late (two swapped in the
    /// order of record), one of them perhaps voided afterwards; appended in one to three chunks.
    /// </summary>
    private static List<IChipEvent[]> Life(string chip, Random random)
    {
        var at = Day(random.Next(0, 30), random.Next(24));
        Instant Later() => at += Duration.FromDays(random.Next(1, 15)) + Duration.FromHours(random.Next(24));
        var consignee = Operators[random.Next(2)];
        var events = new List<IChipEvent> { Fabricated(chip, Models[random.Next(2)], at) };
        if (random.Next(2) == 0)
        {
            var offer = new ChipSaleOffered(Guid.NewGuid(), chip, "mk", new[] { "o1", "o2", "h2" }[random.Next(3)], "mk", Later());
            events.Add(offer);
            events.Add(new ChipSaleAccepted(Guid.NewGuid(), chip, offer.EventId, "mk", offer.BuyerId, offer.BuyerId, Later()));
        }
        var shipment = Shipped(chip, consignee, consignee == "o1" ? "US" : "SG", Later());
        events.Add(shipment);
        events.Add(Received(shipment, consignee, Later()));
        events.Add(Installed(chip, new[] { "fa", "fb" }[random.Next(2)], consignee, Later()));
        var from = Later();
        Instant? to = random.Next(2) == 0 ? null : from + Duration.FromDays(random.Next(1, 20));
        events.Add(new ChipTenantAssigned(Guid.NewGuid(), chip, new[] { "t1", "h2", "o2" }[random.Next(3)], from, to, consignee, from));
        events.Add(new ChipObserved(Guid.NewGuid(), chip, "customs", true, "elsewhere", null, "RU", null, "seen", "h1", Later()));
        events.Add(new ChipRemoved(Guid.NewGuid(), chip, "fa", "rma", consignee, Later()));
        events.Add(random.Next(2) == 0
            ? new ChipDestroyed(Guid.NewGuid(), chip, "shredded", consignee, Later())
            : new ChipMissingReported(Guid.NewGuid(), chip, MissingKind.Lost, "gone", consignee, Later()));
        events = events.Take(random.Next(1, events.Count + 1)).ToList();

        if (events.Count > 2 && random.Next(3) == 0)
        {
            var k = random.Next(1, events.Count - 1);
            (events[k], events[k + 1]) = (events[k + 1], events[k]);
        }
        // The fabrication is never voided alone: the registry voids every event depending on it first, and the oracle
        // folds only what a registry could hold.
        if (events.Count > 1 && random.Next(3) == 0)
        {
            var target = events[random.Next(1, events.Count)];
            events.Add(new ChipEventVoided(Guid.NewGuid(), chip, target.EventId, target.EventId, "mistake", "mk", events.Max(e => e.OccurredAt) + Duration.FromDays(1)));
        }
        var cut = new[] { random.Next(events.Count + 1), random.Next(events.Count + 1) }.Order().ToArray();
        return [.. new[] { events[..cut[0]], events[cut[0]..cut[1]], events[cut[1]..] }.Where(c => c.Count > 0).Select(c => c.ToArray())];
    }
}
