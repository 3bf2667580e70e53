using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Tests.Policy;

/// <summary>Every row of domain.md section 2a, with its expected answer and reason.</summary>
public class LicenceTableTests
{
    public sealed record Row(
        string Date, string Model, string Destination, string OrgCountry, string ParentCountry,
        LicenceVerdict Verdict, LicenceExceptionPath Exception, ReviewPolicy Review,
        string RuleId, string ReasonCode, string ReasonContains)
    {
        public override string ToString() => $"{Date} {Model} -> {Destination} ({OrgCountry}/{ParentCountry})";
    }

    private const LicenceVerdict No = LicenceVerdict.NotRequired;
    private const LicenceVerdict Yes = LicenceVerdict.Required;
    private const LicenceExceptionPath None = LicenceExceptionPath.None;
    private const ReviewPolicy NoReview = ReviewPolicy.NotApplicable;
    private const ReviewPolicy Unstated = ReviewPolicy.Unspecified;

    public static TheoryData<Row> Rows => new(
        // Chinese firm, 2022-09-01: individual notice of 2022-08-26
        new Row("2022-09-01", "H100 SXM", "CN", "CN", "CN", Yes, None, Unstated, "individual_notice_2022_08_26", "individual_notice", "individual notice of 2022-08-26"),
        // Russian firm, 2022-09-15: individual notice of 2022-08-26; Part 746 (every CCL item since 2022-04-08)
        new Row("2022-09-15", "A100 SXM", "RU", "RU", "RU", Yes, None, Unstated, "sanctions_every_ccl_item_2022_04_08", "embargo_part_746", "also the individual notice of 2022-08-26"),
        // Iranian firm: Part 746 embargo
        new Row("2024-06-01", "H100 SXM", "IR", "IR", "IR", Yes, None, Unstated, "embargo_iran", "embargo_part_746", "15 CFR 746.7"),
        // German firm: A:5 destination, no D:5 parent
        new Row("2024-06-01", "H100 SXM", "DE", "DE", "DE", No, None, NoReview, "rule_2023_11_17", "destination_not_restricted", "A:5"),
        // Chinese firm: D:5 destination (2023 rule)
        new Row("2024-06-01", "H100 SXM", "CN", "CN", "CN", Yes, None, Unstated, "rule_2023_11_17", "d5_destination", "D:5"),
        // Malaysian subsidiary with a CN parent: D:5-headquartered parent (from 2023-11-17)
        new Row("2024-06-01", "H100 SXM", "MY", "MY", "CN", Yes, None, Unstated, "rule_2023_11_17", "d5_parent", "ultimate parent"),
        // same, 2023-06-01: 2022 rule, China and Macau destinations only
        new Row("2023-06-01", "H100 SXM", "MY", "MY", "CN", No, None, NoReview, "rule_2022_10_07", "destination_outside_2022_scope", "China and Macau destinations only"),
        // Chinese firm, 2022 rule
        new Row("2023-06-01", "H100 SXM", "CN", "CN", "CN", Yes, None, Unstated, "rule_2022_10_07", "china_destination_2022", "2022 rule"),
        // A800 before the notice: interconnect 400 < 600 GB/s
        new Row("2023-10-20", "A800 SXM", "CN", "CN", "CN", No, None, NoReview, "rule_2022_10_07", "not_controlled_2022", "interconnect 400 < 600 GB/s"),
        // A800 after the individual notice of 2023-10-23
        new Row("2023-11-01", "A800 SXM", "CN", "CN", "CN", Yes, None, Unstated, "individual_notice_2023_10_23", "individual_notice", "individual notice of 2023-10-23"),
        // A800 under the 2023 rule: TPP 4,992 ≥ 4,800
        new Row("2023-11-20", "A800 SXM", "CN", "CN", "CN", Yes, None, Unstated, "rule_2023_11_17", "d5_destination", "TPP 4,992 ≥ 4,800"),
        // H20 before the 2025 notice: outside 3A090
        new Row("2025-03-01", "H20", "CN", "CN", "CN", No, None, NoReview, "rule_2023_11_17", "outside_3a090", "TPP 2,368 < 2,400 and PD 2.91 < 3.2"),
        // H20 after the individual notice of 2025-04-09 (bandwidth)
        new Row("2025-04-20", "H20", "CN", "CN", "CN", Yes, None, Unstated, "individual_notice_2025_04_09", "individual_notice", "memory 4,000 GB/s"),
        // RTX 4090: 3A090.a consumer item, NAC-eligible
        new Row("2024-06-01", "RTX 4090", "CN", "CN", "CN", Yes, LicenceExceptionPath.NacEligible, Unstated, "rule_2023_11_17", "d5_destination", "NAC-eligible"),
        // RTX 4090D: outside 3A090
        new Row("2024-06-01", "RTX 4090D", "CN", "CN", "CN", No, None, NoReview, "rule_2023_11_17", "outside_3a090", "not designed for data centers and TPP 4,707.2 < 4,800"),
        // H200 in 2026: case-by-case review (TPP < 21,000 and memory 4,800 < 6,500 GB/s)
        new Row("2026-02-01", "H200 SXM", "CN", "CN", "CN", Yes, None, ReviewPolicy.CaseByCase, "rule_2023_11_17", "d5_destination", "memory 4,800 < 6,500 GB/s"),
        // B200 in 2026: presumption of denial (TPP 36,000 ≥ 21,000)
        new Row("2026-02-01", "B200", "CN", "CN", "CN", Yes, None, ReviewPolicy.PresumptionOfDenial, "rule_2023_11_17", "d5_destination", "TPP 36,000 ≥ 21,000"));

    [Theory]
    [MemberData(nameof(Rows))]
    public void licence_table_row_is_answered_with_its_reason(Row row)
    {
        var date = LocalDatePattern.Iso.Parse(row.Date).Value;
        var party = new PartyJurisdiction("org", row.OrgCountry, row.ParentCountry == row.OrgCountry ? "org" : "parent", row.ParentCountry);

        var answer = LicenceRequirement.Evaluate(new LicenceQuestion(CatalogSeed.ByName(row.Model), row.Destination, party, date));

        Assert.Equal(row.Verdict, answer.Verdict);
        Assert.Equal(row.Exception, answer.Exception);
        Assert.Equal(row.Review, answer.Review);
        Assert.Equal(row.RuleId, answer.RuleId);
        Assert.Equal(row.ReasonCode, answer.ReasonCode);
        Assert.Contains(row.ReasonContains, answer.Reason, StringComparison.Ordinal);
        if (row.Review is ReviewPolicy.CaseByCase or ReviewPolicy.PresumptionOfDenial)
        {
            Assert.Equal("rule_2026_01_15", answer.ReviewRuleId);
        }
    }
}
