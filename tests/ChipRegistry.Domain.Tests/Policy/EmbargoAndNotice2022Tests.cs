using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Policy;
using NodaTime;
using NodaTime.Text;
using static ChipRegistry.Domain.Tests.Chips.ChipWorld;

namespace ChipRegistry.Domain.Tests.Policy;

/// <summary>
/// The two regimes of domain.md section 2a the advanced-computing rules do not cover: the individual notice of 2022-08-26
/// and the Part 746 embargoes. Each row is tested on a real shipment decision, the day before it and the day it starts.
/// </summary>
public class EmbargoAndNotice2022Tests
{
    /// <summary>A chip of <paramref name="model"/> fabricated well before every row, shipped on <paramref name="date"/> to a firm of the destination.</summary>
    private static ChipShipped Ship(AcceleratorSpec model, string destination, LocalDate date)
    {
        var at = date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() + Duration.FromHours(12);
        var s = ChipState.Initial(ChipId).Then(new RegisterChip(Id(), ChipId, model.ModelId, "lot-1", "TW", Mfr, Instant.FromUtc(2014, 1, 1, 0, 0)));
        var context = new ShipmentContext(model, Party("cons", destination), Party("cons", destination), null, null, 0);
        var d = ChipDecisions.Decide(new ShipChip(Id(), ChipId, destination, "cons", "cons", "cons", "cons", "cons", null, context, Mfr, at), s);
        Assert.True(d.IsAccepted, d.ToString());
        return Assert.IsType<ChipShipped>(Assert.Single(d.Events));
    }

    public sealed record Row(string Rule, string Model, string Destination, string DayBefore, string From)
    {
        public override string ToString() => $"{Rule}: {Model} to {Destination} from {From}";
    }

    public static TheoryData<Row> Rows => new(
        // Individual notice of 2022-08-26: A100 and H100 (AMD: MI250) to China, Hong Kong included, and Russia.
        new Row("individual_notice_2022_08_26", "H100 SXM", "CN", "2022-08-25", "2022-08-26"),
        new Row("individual_notice_2022_08_26", "A100 SXM", "CN", "2022-08-25", "2022-08-26"),
        new Row("individual_notice_2022_08_26", "H100 SXM", "HK", "2022-08-25", "2022-08-26"),
        new Row("individual_notice_2022_08_26", "A100 SXM", "HK", "2022-08-25", "2022-08-26"),
        // Russia: CCL categories 3-9 from 2022-02-24 (87 FR 12226), every CCL item from 2022-04-08 (87 FR 22130).
        new Row("sanctions_russia_2022_02_24", "A100 SXM", "RU", "2022-02-23", "2022-02-24"),
        new Row("sanctions_russia_2022_02_24", "RTX 4090D", "RU", "2022-02-23", "2022-02-24"),
        // Belarus: the same from 2022-03-02 (87 FR 13048).
        new Row("sanctions_belarus_2022_03_02", "H100 SXM", "BY", "2022-03-01", "2022-03-02"),
        new Row("sanctions_belarus_2022_03_02", "RTX 4090D", "BY", "2022-03-01", "2022-03-02"));

    [Theory]
    [MemberData(nameof(Rows))]
    public void a_shipment_needs_no_licence_the_day_before_the_row_and_one_from_its_date(Row row)
    {
        var model = CatalogSeed.ByName(row.Model);
        var dayBefore = LocalDatePattern.Iso.Parse(row.DayBefore).Value;
        var from = LocalDatePattern.Iso.Parse(row.From).Value;

        var before = Ship(model, row.Destination, dayBefore);
        var after = Ship(model, row.Destination, from);

        Assert.Equal((LicenceCheckResult.NoneNeeded, "before_advanced_computing_rules"), (before.LicenceCheck, before.LicenceRequirementCode));
        var code = row.Rule == RuleCalendar.IndividualNotice2022.Id ? "individual_notice" : "embargo_part_746";
        Assert.Equal((LicenceCheckResult.Missing, code), (after.LicenceCheck, after.LicenceRequirementCode));
        var answer = Evaluate(model, row.Destination, from);
        Assert.Equal(row.Rule, answer.RuleId);
        Assert.Contains(row.From, answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void the_individual_notice_names_only_its_models_and_destinations()
    {
        var date = new LocalDate(2022, 9, 1);
        Assert.Equal(LicenceCheckResult.NoneNeeded, Ship(CatalogSeed.A800Sxm, "CN", date).LicenceCheck); // not a named model
        Assert.Equal(LicenceCheckResult.NoneNeeded, Ship(CatalogSeed.H100Sxm, "MO", date).LicenceCheck); // Macau: not named
        Assert.Equal(LicenceCheckResult.NoneNeeded, Ship(CatalogSeed.H100Sxm, "MY", date).LicenceCheck);
        Assert.Equal("individual_notice", Ship(CatalogSeed.H100Sxm, "CN", date).LicenceRequirementCode);
    }

    [Fact]
    public void every_ccl_item_to_russia_and_belarus_from_2022_04_08()
    {
        Assert.Equal("sanctions_russia_2022_02_24", Evaluate(CatalogSeed.H20, "RU", new LocalDate(2022, 4, 7)).RuleId);
        Assert.Equal("sanctions_belarus_2022_03_02", Evaluate(CatalogSeed.H20, "BY", new LocalDate(2022, 4, 7)).RuleId);
        foreach (var destination in new[] { "RU", "BY" })
        {
            var answer = Evaluate(CatalogSeed.H20, destination, new LocalDate(2022, 4, 8));
            Assert.Equal(("sanctions_every_ccl_item_2022_04_08", "embargo_part_746", LicenceVerdict.Required), (answer.RuleId, answer.ReasonCode, answer.Verdict));
            Assert.Equal(LicenceCheckResult.Missing, Ship(CatalogSeed.H20, destination, new LocalDate(2022, 4, 8)).LicenceCheck);
        }
    }

    /// <summary>domain.md 2a: 2022-09-15, A100 to a Russian firm: the individual notice, and Part 746 (every CCL item since 2022-04-08).</summary>
    [Fact]
    public void an_a100_to_russia_in_september_2022_names_both_regimes()
    {
        var answer = Evaluate(CatalogSeed.A100Sxm, "RU", new LocalDate(2022, 9, 15));
        Assert.Equal((LicenceVerdict.Required, "sanctions_every_ccl_item_2022_04_08"), (answer.Verdict, answer.RuleId));
        Assert.Contains("individual notice of 2022-08-26", answer.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> LongStandingEmbargoes => new()
    {
        { "CU", "embargo_cuba" }, { "IR", "embargo_iran" }, { "KP", "embargo_north_korea" }, { "SY", "embargo_syria" },
    };

    /// <summary>
    /// Cuba, Iran, North Korea and Syria were embargoed before any date the registry accepts: every shipment there needs a
    /// licence, before the chip rules (2021), under them (2024), and for a chip outside 3A090 (RTX 4090D).
    /// </summary>
    [Theory]
    [MemberData(nameof(LongStandingEmbargoes))]
    public void a_shipment_to_an_embargoed_country_needs_a_licence_whatever_the_date_and_class(string destination, string rule)
    {
        foreach (var (model, date) in new[] { (CatalogSeed.H100Sxm, new LocalDate(2021, 1, 1)), (CatalogSeed.H100Sxm, new LocalDate(2024, 6, 1)), (CatalogSeed.Rtx4090D, new LocalDate(2024, 6, 1)) })
        {
            var shipped = Ship(model, destination, date);
            Assert.Equal((LicenceCheckResult.Missing, "embargo_part_746"), (shipped.LicenceCheck, shipped.LicenceRequirementCode));
            Assert.Equal(rule, Evaluate(model, destination, date).RuleId);
        }
        Assert.True(RuleCalendar.All.Single(r => r.Id == rule).EffectiveFrom <= RuleCalendar.RegistryEpoch);
    }

    private static LicenceAnswer Evaluate(AcceleratorSpec model, string destination, LocalDate date) =>
        LicenceRequirement.Evaluate(new LicenceQuestion(model, destination, Party("cons", destination), date));
}
