using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

public class CustodyAndObservationTests
{
    [Fact]
    public void ownership_changes_only_when_the_named_buyer_accepts_and_custody_does_not_follow()
    {
        var offered = InStock().Then(new OfferChipSale(Id(), ChipId, "buyer", Mfr, Next()));
        Assert.Equal("mfr", offered.OwnerId);
        Assert.Equal("not_named_buyer", ChipDecisions.Decide(new AcceptChipSale(Id(), ChipId, Stranger, Next()), offered).Error?.Code);

        var sold = offered.Then(new AcceptChipSale(Id(), ChipId, Buyer, Next()));
        Assert.Equal(("buyer", "mfr"), (sold.OwnerId, sold.CustodianId));
        Assert.Equal("not_owner", ChipDecisions.Decide(new OfferChipSale(Id(), ChipId, "x", Mfr, Next()), sold).Error?.Code);
        Assert.True(ChipDecisions.Decide(Ship(sold, Mfr, "buyer"), sold).IsAccepted);
    }

    [Fact]
    public void the_named_consignee_becomes_custodian_on_receipt()
    {
        var received = InTransit().Then(new ReceiveChip(Id(), ChipId, "US", Op, Next()));
        Assert.Equal((ChipStage.InStock, "op", "US"), (received.Stage, received.CustodianId, received.LocationCountry));
    }

    [Fact]
    public void a_receipt_by_an_unexpected_party_is_an_observation_and_changes_no_custody()
    {
        var s = InTransit();
        var d = ChipDecisions.Decide(new ReceiveChip(Id(), ChipId, "MY", Stranger, Next()), s);
        var observed = Assert.IsType<ChipObserved>(Assert.Single(d.Events));
        Assert.Equal(("receipt", true, "not_custodian", "MY"), (observed.Kind, observed.Conflicting, observed.ConflictCode, observed.Country));

        var after = ChipState.Evolve(s, observed);
        Assert.Equal((ChipStage.InTransit, "mfr"), (after.Stage, after.CustodianId));
        Assert.True(after.HasConflicts);
    }

    [Fact]
    public void an_attestation_at_another_site_by_the_custodian_is_observed_as_other_facility()
    {
        var d = ChipDecisions.Decide(new AttestChipLocation(Id(), ChipId, "f9", "rtt", 40m, "landmark", SignatureResult.Valid, Op, Next()), Installed());
        Assert.Equal("other_facility", Assert.IsType<ChipObserved>(Assert.Single(d.Events)).ConflictCode);
    }

    [Fact]
    public void any_report_after_destruction_is_observed()
    {
        var destroyed = InStock().Then(new DestroyChip(Id(), ChipId, "shredded", Mfr, Next()));
        var d = ChipDecisions.Decide(new InstallChip(Id(), ChipId, FacilityOf("mfr"), "c1", "r1", Mfr, Next()), destroyed);
        Assert.Equal("chip_destroyed", Assert.IsType<ChipObserved>(Assert.Single(d.Events)).ConflictCode);
    }

    [Fact]
    public void the_custodian_installs_only_at_a_facility_it_operates_and_in_an_existing_cluster()
    {
        var s = InTransit().Then(new ReceiveChip(Id(), ChipId, "US", Op, Next()));
        Assert.Equal("not_facility_operator", ChipDecisions.Decide(new InstallChip(Id(), ChipId, FacilityOf("other-op"), "c1", "r1", Op, Next()), s).Error?.Code);
        Assert.Equal("cluster_not_found", ChipDecisions.Decide(new InstallChip(Id(), ChipId, FacilityOf("op"), "c9", "r1", Op, Next()), s).Error?.Code);
    }

    [Fact]
    public void tenancy_and_attestation_are_recorded_on_an_installed_chip()
    {
        var from = Next();
        var s = Installed()
            .Then(new AssignChipTenant(Id(), ChipId, "tenant-sg", from, from + NodaTime.Duration.FromDays(30), Op, Next()))
            .Then(new AttestChipLocation(Id(), ChipId, "f1", "rtt", 2.5m, "lm-1", SignatureResult.Valid, Op, Next()));
        Assert.Equal("tenant-sg", s.Tenancy?.TenantId);
        Assert.Equal((2.5m, "lm-1", SignatureResult.Valid), (s.LastAttestation!.RoundTripMs, s.LastAttestation.LandmarkId, s.LastAttestation.Signature));
        Assert.Equal("invalid_tenancy", ChipDecisions.Decide(new AssignChipTenant(Id(), ChipId, "t", from, from, Op, Next()), s).Error?.Code);
    }

    [Fact]
    public void a_returned_chip_travels_to_its_manufacturer_who_receives_it()
    {
        var s = InTransit().Then(new ReceiveChip(Id(), ChipId, "US", Op, Next())).Then(new ReturnChip(Id(), ChipId, "RMA-7", "TW", Op, Next()));
        Assert.Equal((ChipStage.InTransit, "mfr", "RMA-7"), (s.Stage, s.Shipment!.ConsigneeId, s.Shipment.RmaNumber));
        s = s.Then(new ReceiveChip(Id(), ChipId, "TW", Mfr, Next()));
        Assert.Equal(("mfr", "TW"), (s.CustodianId, s.LocationCountry));
    }

    [Fact]
    public void a_batch_is_all_or_nothing()
    {
        var good = InStock("nvidia:1");
        var held = InStock("nvidia:2").Then(new PlaceChipHold(Id(), "nvidia:2", "x", Bis, Next()));
        var d = ChipBatch.Decide([(new OfferChipSale(Id(), "nvidia:1", "buyer", Mfr, Next()), good), (new OfferChipSale(Id(), "nvidia:2", "buyer", Mfr, Next()), held)]);
        Assert.Equal("chip_on_hold", d.Error?.Code);
        Assert.Empty(d.Events);
    }

    [Fact]
    public void derived_ids_are_deterministic_and_distinct()
    {
        var seed = Guid.Parse("5f0c3a52-3d7a-4f43-9a43-8a8b1d0e7c11");
        Assert.Equal(DeterministicIds.Derive(seed, "a"), DeterministicIds.Derive(seed, "a"));
        Assert.NotEqual(DeterministicIds.Derive(seed, "a"), DeterministicIds.Derive(seed, "b"));
    }
}

public class LotRegistrationTests
{
    [Fact]
    public void a_manufacturer_registers_a_lot_in_one_decision_and_a_registered_chip_stops_it()
    {
        var fresh = new[] { ChipWorld.Unregistered("nvidia:1"), ChipWorld.Unregistered("nvidia:2") };
        var d = ChipBatch.RegisterLot(ChipWorld.Id(), "lot-7", "nvidia-h100-sxm", "TW", ChipWorld.Mfr, ChipWorld.Next(), fresh);
        Assert.All(d.Events, s => Assert.Equal("lot-7", Assert.IsType<ChipFabricated>(Assert.Single(s.Events)).LotId));

        var clash = ChipBatch.RegisterLot(ChipWorld.Id(), "lot-7", "nvidia-h100-sxm", "TW", ChipWorld.Mfr, ChipWorld.Next(), [fresh[0], ChipWorld.InStock("nvidia:3")]);
        Assert.Equal("chip_already_registered", clash.Error?.Code);
        Assert.Empty(clash.Events);
    }
}
