using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using NodaTime;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Chips;

/// <summary>Every licence-check result, recorded on a real shipment decision (H100 from TW, shipped 2024-06-01, after its fabrication).</summary>
public class ShipmentLicenceCheckTests
{
    private static readonly Licence UaeLicence = new("l1", "D1234567", "mfr", "cons", "user", "AE", [CatalogSeed.H100Sxm.ModelId], 10,
        new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), "bis", null);

    private static ChipShipped ShipTo(string country, Licence? licence, string consignee = "cons", int already = 0, AcceleratorSpec? model = null)
    {
        var s = InStock();
        var context = new ShipmentContext(model ?? CatalogSeed.H100Sxm, Party(consignee, country), Party("user", country), licence, null, already);
        var d = ChipDecisions.Decide(new ShipChip(Id(), ChipId, country, consignee, "user", consignee, consignee, "payer", licence?.Number, context, Mfr, Next()), s);
        Assert.True(d.IsAccepted, d.ToString());
        return Assert.IsType<ChipShipped>(Assert.Single(d.Events));
    }

    [Fact] public void ok() => Assert.Equal(LicenceCheckResult.Ok, ShipTo("AE", UaeLicence).LicenceCheck);

    [Fact]
    public void none_needed()
    {
        var shipped = ShipTo("DE", null);
        Assert.Equal(LicenceCheckResult.NoneNeeded, shipped.LicenceCheck);
        Assert.Equal("destination_not_restricted", shipped.LicenceRequirementCode);
    }

    [Fact]
    public void missing_is_recorded_not_rejected()
    {
        var shipped = ShipTo("AE", null);
        Assert.Equal(LicenceCheckResult.Missing, shipped.LicenceCheck);
        Assert.Equal("d4_destination", shipped.LicenceRequirementCode);
    }

    [Fact] public void expired() => Assert.Equal(LicenceCheckResult.Expired, ShipTo("AE", UaeLicence with { ValidUntil = new LocalDate(2024, 5, 31) }).LicenceCheck);

    [Fact] public void revoked() => Assert.Equal(LicenceCheckResult.Revoked, ShipTo("AE", UaeLicence with { Revocation = new Revocation("diversion", new LocalDate(2024, 5, 1), "bis") }).LicenceCheck);

    [Fact] public void model_not_covered() => Assert.Equal(LicenceCheckResult.ModelNotCovered, ShipTo("AE", UaeLicence with { ModelIds = ["nvidia-b200"] }).LicenceCheck);

    [Fact] public void quantity_exceeded() => Assert.Equal(LicenceCheckResult.QuantityExceeded, ShipTo("AE", UaeLicence, already: 10).LicenceCheck);

    [Fact] public void consignee_mismatch() => Assert.Equal(LicenceCheckResult.ConsigneeMismatch, ShipTo("AE", UaeLicence, consignee: "forwarder").LicenceCheck);

    [Fact]
    public void an_end_user_with_a_d5_parent_makes_a_licence_required_even_to_an_a5_destination()
    {
        var s = InStock();
        var context = new ShipmentContext(CatalogSeed.H100Sxm, Party("cons", "DE"), new ChipRegistry.Domain.Organisations.PartyJurisdiction("user", "DE", "parent", "CN"), null, null, 0);
        var d = ChipDecisions.Decide(new ShipChip(Id(), ChipId, "DE", "cons", "user", "cons", "cons", "payer", null, context, Mfr, Next()), s);
        var shipped = Assert.IsType<ChipShipped>(Assert.Single(d.Events));
        Assert.Equal((LicenceCheckResult.Missing, "d5_parent"), (shipped.LicenceCheck, shipped.LicenceRequirementCode));
    }

    [Fact]
    public void a_spec_for_another_model_is_rejected()
    {
        var s = InStock();
        var context = new ShipmentContext(CatalogSeed.H20, Party("cons", "DE"), Party("user", "DE"), null, null, 0);
        Assert.Equal("model_spec_mismatch", ChipDecisions.Decide(new ShipChip(Id(), ChipId, "DE", "cons", "user", "cons", "cons", "payer", null, context, Mfr, Next()), s).Error?.Code);
    }
}
