using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Licences;

public class LicenceTests
{
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 1, 0, 0);
    private static readonly Actor Bis = new("bis", OrganisationKind.Agency);
    private static readonly Actor Exporter = new("dist", OrganisationKind.Distributor);

    private static GrantLicence Grant(Actor actor) => new("l1", "D1234567", "dist", "cons", "user", "AE", ["nvidia-h100-sxm"], 100,
        new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), actor, T0);

    [Fact]
    public void an_agency_grants_and_revokes_a_licence()
    {
        var granted = Licence.Fold(LicenceDecisions.Decide(Grant(Bis), null).Events)!;
        Assert.Equal(("cons", 100), (granted.ConsigneeId, granted.Quantity));
        var revoked = Licence.Evolve(granted, LicenceDecisions.Decide(new RevokeLicence("l1", "diversion", new LocalDate(2024, 6, 1), Bis, T0), granted).Events.Single())!;
        Assert.True(revoked.RevokedOn(new LocalDate(2024, 6, 1)));
        Assert.False(revoked.RevokedOn(new LocalDate(2024, 5, 31)));
    }

    [Fact]
    public void only_an_agency_grants_or_revokes()
    {
        Assert.Equal("not_agency", LicenceDecisions.Decide(Grant(Exporter), null).Error?.Code);
        var granted = Licence.Fold(LicenceDecisions.Decide(Grant(Bis), null).Events)!;
        Assert.Equal("not_agency", LicenceDecisions.Decide(new RevokeLicence("l1", "x", new LocalDate(2024, 6, 1), Exporter, T0), granted).Error?.Code);
    }

    [Fact]
    public void a_licence_is_revoked_once()
    {
        var l = Licence.Fold(LicenceDecisions.Decide(Grant(Bis), null).Events)!;
        l = Licence.Evolve(l, new LicenceRevoked("l1", "x", new LocalDate(2024, 6, 1), "bis", T0))!;
        Assert.Equal("licence_already_revoked", LicenceDecisions.Decide(new RevokeLicence("l1", "again", new LocalDate(2024, 7, 1), Bis, T0), l).Error?.Code);
    }

    [Theory]
    [InlineData("A123456", true)]
    [InlineData("A12345", false)]
    [InlineData("B123456", false)]
    [InlineData("A1234567", false)]
    public void notification_numbers_are_a_and_six_digits(string number, bool valid)
    {
        var d = ExportNotificationDecisions.Decide(new FileExportNotification("n1", NotificationKind.Nac, number, "cons", "user", "CN", CatalogSeed.Rtx4090, Exporter, T0), null);
        Assert.Equal(valid, d.IsAccepted);
        if (!valid) Assert.Equal("invalid_notification_number", d.Error?.Code);
    }

    [Fact]
    public void a_notification_carries_tpp_and_pd_computed_from_the_model()
    {
        var d = ExportNotificationDecisions.Decide(new FileExportNotification("n1", NotificationKind.Nac, "A000042", "cons", "user", "CN", CatalogSeed.Rtx4090, Exporter, T0), null);
        var e = Assert.IsType<ExportNotificationFiled>(Assert.Single(d.Events));
        Assert.Equal(5284.8m, e.Tpp);
        Assert.Equal(8.68m, Math.Round(e.PerformanceDensity!.Value, 2));
        Assert.False(e.DataCenterDesign);
        Assert.Equal("dist", e.ExporterId);
    }
}

/// <summary>Every licence-check result, from the pure function.</summary>
public class LicenceCheckTests
{
    private static readonly LocalDate ShipDate = new(2024, 6, 1);

    private static readonly Licence Valid = new("l1", "D1234567", "dist", "cons", "user", "AE", ["nvidia-h100-sxm"], 100,
        new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), "bis", null);

    private static LicenceAnswer Requirement(string destination, string orgCountry, AcceleratorSpec? model = null) =>
        LicenceRequirement.Evaluate(new LicenceQuestion(model ?? CatalogSeed.H100Sxm, destination, new PartyJurisdiction("cons", orgCountry, "cons", orgCountry), ShipDate));

    private static LicenceCheckResult Check(Licence? licence, int already = 0, int quantity = 1, string consignee = "cons", string model = "nvidia-h100-sxm", string destination = "AE") =>
        LicenceCheck.Check(new LicenceCheckInput(Requirement(destination, destination), model, consignee, quantity, ShipDate, licence, already)).Result;

    [Fact] public void ok_when_the_licence_covers_the_shipment() => Assert.Equal(LicenceCheckResult.Ok, Check(Valid));

    [Fact] public void none_needed_when_no_licence_is_required() => Assert.Equal(LicenceCheckResult.NoneNeeded, Check(null, destination: "DE"));

    [Fact] public void missing_when_required_and_none_cited() => Assert.Equal(LicenceCheckResult.Missing, Check(null));

    [Fact] public void expired_after_the_validity() => Assert.Equal(LicenceCheckResult.Expired, Check(Valid with { ValidUntil = new LocalDate(2024, 5, 31) }));

    [Fact] public void revoked_from_the_revocation_date() =>
        Assert.Equal(LicenceCheckResult.Revoked, Check(Valid with { Revocation = new Revocation("x", new LocalDate(2024, 6, 1), "bis") }));

    [Fact] public void model_not_covered() => Assert.Equal(LicenceCheckResult.ModelNotCovered, Check(Valid, model: "nvidia-b200"));

    [Fact] public void consignee_mismatch() => Assert.Equal(LicenceCheckResult.ConsigneeMismatch, Check(Valid, consignee: "someone-else"));

    [Fact] public void quantity_exceeded_counts_earlier_shipments()
    {
        Assert.Equal(LicenceCheckResult.Ok, Check(Valid, already: 99, quantity: 1));
        Assert.Equal(LicenceCheckResult.QuantityExceeded, Check(Valid, already: 99, quantity: 2));
    }

    [Fact]
    public void a_nac_notification_authorises_a_consumer_item()
    {
        var requirement = Requirement("CN", "CN", CatalogSeed.Rtx4090);
        var notification = new ExportNotification("n1", NotificationKind.Nac, "A000001", "dist", "cons", "user", "CN", "nvidia-rtx-4090", 5284.8m, 8.68m, false);
        Assert.Equal(LicenceCheckResult.Ok, LicenceCheck.Check(new LicenceCheckInput(requirement, "nvidia-rtx-4090", "cons", 1, ShipDate, null, 0, notification)).Result);
        Assert.Equal(LicenceCheckResult.ConsigneeMismatch, LicenceCheck.Check(new LicenceCheckInput(requirement, "nvidia-rtx-4090", "other", 1, ShipDate, null, 0, notification)).Result);
    }

    [Fact]
    public void every_result_has_a_snake_case_code() =>
        Assert.Equal(["ok", "none_needed", "missing", "expired", "revoked", "model_not_covered", "quantity_exceeded", "consignee_mismatch"],
            Enum.GetValues<LicenceCheckResult>().Select(r => r.ToCode()));
}
