using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Projections;
using ChipRegistry.Domain.Projections.Ledgers;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>A chip's stays folded from hand-built streams: order of report, voids, tenancies and non-moving facts.</summary>
public sealed class PlacementFoldTests
{
    private const string Chip = "nvidia:P-1";
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);

    private static Instant Day(int n) => T0 + Duration.FromDays(n);

    private static readonly Guid Fabrication = Guid.NewGuid(), Shipment = Guid.NewGuid(), Receipt = Guid.NewGuid(), Installation = Guid.NewGuid(),
        Tenancy = Guid.NewGuid(), Removal = Guid.NewGuid(), Destruction = Guid.NewGuid(), Hold = Guid.NewGuid();

    private static IChipEvent[] Life() =>
    [
        new ChipFabricated(Fabrication, Chip, "nvidia-h100-sxm", "nvidia", "lot-1", "TW", "nvidia", Day(0)),
        new ChipShipped(Shipment, Chip, "US", "op", "op", "op", "op", "op", null, LicenceCheckResult.NoneNeeded, "none", "", null, "nvidia", Day(10)),
        new ChipReceived(Receipt, Chip, Shipment, "US", null, "op", Day(20)),
        new ChipInstalled(Installation, Chip, "f1", "op", "US", "c1", "r1", null, "op", Day(30)),
        new ChipTenantAssigned(Tenancy, Chip, "tenant", Day(40), Day(50), "op", Day(35)),
        new ChipHoldPlaced(Hold, Chip, "inquiry", null, "bis", Day(45)),
        new ChipRemoved(Removal, Chip, "f1", "rma", "op", Day(60)),
        new ChipDestroyed(Destruction, Chip, "shredded", "op", Day(70)),
    ];

    private static IReadOnlyList<Placement> Fold(IEnumerable<IChipEvent> stream) =>
        PlacementFold.Of(Chip, [.. stream.Select((e, i) => new SequencedChipEvent(100 + i, e))]);

    private static string Describe(Placement p) =>
        $"{p.From:yyyy-MM-dd}..{(p.To is { } to ? to.ToString("yyyy-MM-dd", null) : "")} {ChipRegistry.Domain.Persistence.ChipStateProjection.StageName(p.Status)} owner={p.OwnerId} custodian={p.CustodianId} country={p.Country} facility={p.FacilityId} cluster={p.ClusterId} operator={p.OperatorId} tenant={p.TenantId}";

    [Fact]
    public void a_life_in_order_gives_one_stay_per_place_with_the_tenancy_splitting_the_installation_at_its_own_times()
    {
        var stays = Fold(Life());

        Assert.Equal(
        [
            "2024-01-01..2024-01-11 in_stock owner=nvidia custodian=nvidia country=TW facility= cluster= operator= tenant=",
            "2024-01-11..2024-01-21 in_transit owner=nvidia custodian=nvidia country=TW facility= cluster= operator= tenant=",
            "2024-01-21..2024-01-31 in_stock owner=nvidia custodian=op country=US facility= cluster= operator= tenant=",
            "2024-01-31..2024-02-10 installed owner=nvidia custodian=op country=US facility=f1 cluster=c1 operator=op tenant=",
            "2024-02-10..2024-02-20 installed owner=nvidia custodian=op country=US facility=f1 cluster=c1 operator=op tenant=tenant",
            "2024-02-20..2024-03-01 installed owner=nvidia custodian=op country=US facility=f1 cluster=c1 operator=op tenant=",
            "2024-03-01..2024-03-11 in_stock owner=nvidia custodian=op country=US facility= cluster= operator= tenant=",
            "2024-03-11.. destroyed owner=nvidia custodian=op country=US facility= cluster= operator= tenant=",
        ], stays.Select(Describe));
        Assert.Equal(Enumerable.Range(1, 8), stays.Select(s => s.Ordinal));
        Assert.Equal(103, stays[3].StartedBySeqId);
        Assert.Equal(104, stays[4].StartedBySeqId);
    }

    [Fact]
    public void the_order_of_report_does_not_change_the_stays_only_which_event_began_them()
    {
        var inOrder = Fold(Life());
        var reversed = Fold(Life().Reverse());

        Assert.Equal(inOrder.Select(Describe), reversed.Select(Describe));
        Assert.NotEqual(inOrder.Select(s => s.StartedBySeqId), reversed.Select(s => s.StartedBySeqId));
    }

    [Fact]
    public void a_late_report_splits_the_stay_it_lands_in()
    {
        var life = Life();
        var withoutReceipt = Fold(life.Where(e => e.EventId != Receipt && e is not ChipInstalled and not ChipTenantAssigned and not ChipRemoved and not ChipDestroyed));
        Assert.Equal(["2024-01-01..2024-01-11 in_stock", "2024-01-11.. in_transit"], withoutReceipt.Select(s => Describe(s)[..(Describe(s).IndexOf(" owner", StringComparison.Ordinal))]));

        var late = Fold([.. life.Where(e => e.EventId != Receipt && e is not ChipInstalled and not ChipTenantAssigned and not ChipRemoved and not ChipDestroyed), life[2]]);
        Assert.Equal(
            ["2024-01-01..2024-01-11 in_stock", "2024-01-11..2024-01-21 in_transit", "2024-01-21.. in_stock"],
            late.Select(s => Describe(s)[..(Describe(s).IndexOf(" owner", StringComparison.Ordinal))]));
    }

    [Fact]
    public void a_void_removes_the_stays_of_the_voided_act_and_of_every_act_resting_on_it()
    {
        var life = Life().ToList();
        // A void of the installation voids what rested on it first, newest first (the decision's cascade).
        foreach (var voided in new[] { Destruction, Removal, Tenancy, Installation })
        {
            life.Add(new ChipEventVoided(Guid.NewGuid(), Chip, voided, Installation, "wrong chip scanned", "op", Day(80)));
        }

        var stays = Fold(life);

        Assert.Equal(
        [
            "2024-01-01..2024-01-11 in_stock owner=nvidia custodian=nvidia country=TW facility= cluster= operator= tenant=",
            "2024-01-11..2024-01-21 in_transit owner=nvidia custodian=nvidia country=TW facility= cluster= operator= tenant=",
            "2024-01-21.. in_stock owner=nvidia custodian=op country=US facility= cluster= operator= tenant=",
        ], stays.Select(Describe));
    }

    [Fact]
    public void a_change_of_owner_begins_a_stay_and_holds_and_offers_do_not()
    {
        var offer = Guid.NewGuid();
        var stays = Fold(
        [
            new ChipFabricated(Fabrication, Chip, "nvidia-h100-sxm", "nvidia", "lot-1", "TW", "nvidia", Day(0)),
            new ChipSaleOffered(offer, Chip, "nvidia", "buyer", "nvidia", Day(1)),
            new ChipHoldPlaced(Hold, Chip, "inquiry", null, "bis", Day(2)),
            new ChipSaleAccepted(Guid.NewGuid(), Chip, offer, "nvidia", "buyer", "buyer", Day(3)),
        ]);

        Assert.Equal(
        [
            "2024-01-01..2024-01-04 in_stock owner=nvidia custodian=nvidia country=TW facility= cluster= operator= tenant=",
            "2024-01-04.. in_stock owner=buyer custodian=nvidia country=TW facility= cluster= operator= tenant=",
        ], stays.Select(Describe));
    }

    [Fact]
    public void a_voided_fabrication_leaves_no_stay()
    {
        var stays = Fold(
        [
            new ChipFabricated(Fabrication, Chip, "nvidia-h100-sxm", "nvidia", "lot-1", "TW", "nvidia", Day(0)),
            new ChipEventVoided(Guid.NewGuid(), Chip, Fabrication, Fabrication, "typo", "nvidia", Day(1)),
        ]);

        Assert.Empty(stays);
    }

    [Fact]
    public void facts_that_never_place_a_chip_change_no_stay_or_shipment_voided_or_not_so_a_one_pass_rebuild_may_skip_them()
    {
        var offer = Guid.NewGuid();
        var acceptance = Guid.NewGuid();
        var attestation = Guid.NewGuid();
        var release = Guid.NewGuid();
        IChipEvent[] stream =
        [
            .. Life().Take(4),
            new ChipLocationAttested(attestation, Chip, "f1", "rtt", 12.5m, "lm-1", SignatureResult.Valid, "op", Day(32)),
            new ChipObserved(Guid.NewGuid(), Chip, "sighting", true, "elsewhere", "f9", "SG", null, "", "agency", Day(33)),
            new ChipSaleOffered(offer, Chip, "nvidia", "buyer", "nvidia", Day(34)),
            new ChipSaleAccepted(acceptance, Chip, offer, "nvidia", "buyer", "buyer", Day(36)),
            .. Life().Skip(4).Take(2),
            new ChipHoldReleased(release, Chip, Hold, "cleared", "bis", Day(47)),
            new ChipIllegitimacyDeclared(Guid.NewGuid(), Chip, "diverted", "bis", Day(48)),
            .. Life().Skip(6),
            new ChipEventVoided(Guid.NewGuid(), Chip, attestation, attestation, "wrong facility", "op", Day(80)),
            new ChipEventVoided(Guid.NewGuid(), Chip, release, release, "too early", "bis", Day(81)),
        ];
        var placing = stream.Where(e => !ChipStreamScan.NeverPlace.Contains(e.GetType())).ToArray();
        Assert.True(placing.Length < stream.Length - 4, "the life must hold facts of each kind the scan skips");
        SequencedChipEvent[] Sequenced(IEnumerable<IChipEvent> events) =>
            [.. events.Select(e => new SequencedChipEvent(100 + Array.IndexOf(stream, e), e))];

        var stays = PlacementFold.Of(Chip, Sequenced(stream));
        Assert.Contains(stays, s => s.OwnerId == "buyer");
        Assert.Equal(stays, PlacementFold.Of(Chip, Sequenced(placing)));
        Assert.Equal(
            ShipmentFold.Of(Chip, Sequenced(stream)),
            ShipmentFold.Of(Chip, Sequenced(placing)));
    }
}
