using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Projections.Custody;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Projections;

/// <summary>The custody chain collapsed from a chip's stays: moves without a change of owner or custodian are not steps.</summary>
public sealed class CustodyChainTests
{
    private const string Chip = "nvidia:C-1";
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);

    private static Instant Day(int n) => T0 + Duration.FromDays(n);

    private static readonly Guid Shipment = Guid.NewGuid(), Installation = Guid.NewGuid();

    private static IChipEvent[] Life() =>
    [
        new ChipFabricated(Guid.NewGuid(), Chip, "nvidia-h100-sxm", "nvidia", "lot-1", "TW", "nvidia", Day(0)),
        new ChipShipped(Shipment, Chip, "US", "op", "op", "op", "op", "op", null, LicenceCheckResult.NoneNeeded, "none", "", null, "nvidia", Day(10)),
        new ChipReceived(Guid.NewGuid(), Chip, Shipment, "US", null, "op", Day(20)),
        new ChipInstalled(Installation, Chip, "f1", "op", "US", "c1", "r1", null, "op", Day(30)),
        new ChipTenantAssigned(Guid.NewGuid(), Chip, "tenant", Day(40), Day(50), "op", Day(35)),
        new ChipRemoved(Guid.NewGuid(), Chip, "f1", "rma", "op", Day(60)),
    ];

    private static IReadOnlyList<CustodyStep> Chain(IEnumerable<IChipEvent> stream) =>
        CustodyChain.Of(PlacementFold.Of(Chip, [.. stream.Select((e, i) => new SequencedChipEvent(100 + i, e))]));

    [Fact]
    public void installation_tenancy_removal_and_shipment_are_no_steps_only_a_change_of_owner_or_custodian_is()
    {
        var chain = Chain(Life());

        // Seven stays (made, shipped, received, installed, rented, back from the tenant, removed), two custodians.
        Assert.Equal(
            [(1, Day(0), (Instant?)Day(20), "nvidia", "nvidia", 100L), (2, Day(20), null, "nvidia", "op", 102L)],
            chain.Select(s => (s.Ordinal, s.From, s.To, s.OwnerId!, s.CustodianId!, s.StartedBySeqId)));
    }

    [Fact]
    public void a_sale_is_a_step_though_the_chip_does_not_move()
    {
        var offer = Guid.NewGuid();
        var chain = Chain(Life().Take(1).Concat<IChipEvent>(
        [
            new ChipSaleOffered(offer, Chip, "nvidia", "buyer", "nvidia", Day(1)),
            new ChipSaleAccepted(Guid.NewGuid(), Chip, offer, "nvidia", "buyer", "buyer", Day(2)),
        ]));
        Assert.Equal([("nvidia", "nvidia", 100L), ("buyer", "nvidia", 102L)], chain.Select(s => (s.OwnerId!, s.CustodianId!, s.StartedBySeqId)));
    }
}
