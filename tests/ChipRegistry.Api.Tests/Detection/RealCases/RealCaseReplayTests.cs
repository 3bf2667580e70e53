using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Detection.RealCases;

/// <summary>
/// The cases of domain.md section 3, replayed through the public API (<see cref="CaseReplay"/>): each must raise the
/// flags its facts call for, with the right chips and evidence, and nothing else may be open, as docs/detection.md
/// defines the rules. The parties, dates and counts are the case's pattern at a small scale, not its court record;
/// the acts fall in 2024, before the January 2025 diffusion rule whose tiers would have made the hub legs licensable.
/// </summary>
internal static class CaseActs
{
    public static string Model => CatalogSeed.H100Sxm.ModelId;

    /// <summary>nvidia fabricates the lot in Taiwan, sells it to a US distributor and delivers it there.</summary>
    public static async Task<string[]> DeliveredToUsDistributorAsync(CaseReplay replay, string lotId, int chips, string day, string distributor)
    {
        string[] serials = [.. Enumerable.Range(1, chips).Select(i => $"nvidia:{lotId}-{i:D4}")];
        await replay.ActAsync("nvidia", $"{day}T08:00:00Z", "/api/v1/lots",
            new { lotId, modelId = Model, country = "TW", fabricatedAt = $"{day}T08:00:00Z", serials });
        foreach (var chip in serials)
        {
            await replay.ActAsync("nvidia", $"{day}T09:00:00Z", $"/api/v1/chips/{chip}/sale-offer", new { buyerId = distributor, occurredAt = $"{day}T09:00:00Z" });
            await replay.ActAsync(distributor, $"{day}T10:00:00Z", $"/api/v1/chips/{chip}/sale-offer/acceptance", new { occurredAt = $"{day}T10:00:00Z" });
            await replay.ActAsync("nvidia", $"{day}T11:00:00Z", $"/api/v1/chips/{chip}/shipments",
                new { destinationCountry = "US", consigneeId = distributor, endUserId = distributor, occurredAt = $"{day}T11:00:00Z" });
            await replay.ActAsync(distributor, $"{day}T20:00:00Z", $"/api/v1/chips/{chip}/receipts", new { country = "US", occurredAt = $"{day}T20:00:00Z" });
        }
        return serials;
    }
}

/// <summary>
/// Singapore server fraud (2025, domain.md R9): servers exported under a licence naming one consignee went to another
/// party in Malaysia. Signal: the receiver is not the licensed consignee (rule 2), and nothing else: the chips were
/// received within 30 days (rule 1 closes on a receipt by anyone), never installed (rule 3), the licence covered them.
/// </summary>
public sealed class SingaporeServerFraudReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_receipt_in_malaysia_of_chips_licensed_to_a_gulf_consignee_raises_rule_2_against_the_receiver_and_nothing_else()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("us-dist", OrganisationKind.Distributor, "US");
        await replay.OrganisationAsync("gulf-dc", OrganisationKind.Operator, "AE");
        await replay.OrganisationAsync("my-fwd", OrganisationKind.Forwarder, "MY");
        await replay.OrganisationAsync("bis", OrganisationKind.Agency, "US");
        var chips = await CaseActs.DeliveredToUsDistributorAsync(replay, "sgf", 4, "2024-01-08", "us-dist");

        await replay.ActAsync("bis", "2024-01-22T14:00:00Z", "/api/v1/licences", new
        {
            licenceId = "lic-ae-sgf", number = "D900001", holderId = "us-dist", consigneeId = "gulf-dc", endUserId = "gulf-dc", destination = "AE",
            modelIds = new[] { CaseActs.Model }, quantity = 4, validFrom = "2024-01-01", validUntil = "2024-12-31", occurredAt = "2024-01-22T14:00:00Z",
        });
        foreach (var chip in chips)
        {
            var shipped = await replay.ActAsync("us-dist", "2024-02-05T06:00:00Z", $"/api/v1/chips/{chip}/shipments", new
            {
                destinationCountry = "AE", consigneeId = "gulf-dc", endUserId = "gulf-dc", licenceId = "lic-ae-sgf", occurredAt = "2024-02-05T06:00:00Z",
            });
            Assert.Equal("ok", shipped.GetProperty("licenceCheck").GetProperty("result").GetString());
        }
        foreach (var chip in chips)
        {
            await replay.ObserveAsync("my-fwd", "2024-02-09T10:00:00Z", chip, "receipt", "MY", "received from the carrier at Port Klang");
        }
        await replay.AdvanceToAsync("2024-04-30T00:00:00Z");

        Assert.Empty(await replay.OpenFlagsAsync("2024-02-08"));
        var open = await replay.OpenFlagsAsync("2024-04-29");
        var mismatch = Assert.Single(open);
        Assert.Equal("r2 organisation:my-fwd MY", mismatch.Call);
        Assert.Equal(chips.Order(StringComparer.Ordinal), mismatch.Chips);
        Assert.Equal("2024-02-09T10:00:00Z", mismatch.OpenedAt);
        Assert.Contains("chip_observed", await replay.EvidenceTypesAsync(mismatch.Id));
    }
}

/// <summary>
/// ALX Solutions (charged August 2025, domain.md R8): chips shipped to a freight forwarder in Singapore, billed to and
/// paid by a Hong Kong firm, received by the forwarder and never installed. Signals: the payer is in D:5 (Hong Kong as
/// China) while the consignee is not (rule 4, from the shipment on), and bill-to and ship-to differ with no
/// installation 60 days after delivery (rule 5, from that deadline on). No licence was needed for Singapore.
/// </summary>
public sealed class AlxSolutionsReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_hong_kong_payer_raises_rule_4_at_the_shipment_and_the_uninstalled_forwarder_rule_5_at_sixty_days()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("alx", OrganisationKind.Distributor, "US");
        await replay.OrganisationAsync("sg-fwd", OrganisationKind.Forwarder, "SG");
        await replay.OrganisationAsync("hk-buyer", OrganisationKind.EndUser, "HK");
        var chips = await CaseActs.DeliveredToUsDistributorAsync(replay, "alx", 3, "2024-02-05", "alx");

        foreach (var chip in chips)
        {
            var shipped = await replay.ActAsync("alx", "2024-03-04T06:00:00Z", $"/api/v1/chips/{chip}/shipments", new
            {
                destinationCountry = "SG", consigneeId = "sg-fwd", endUserId = "sg-fwd", billToId = "hk-buyer", payerId = "hk-buyer",
                occurredAt = "2024-03-04T06:00:00Z",
            });
            Assert.Equal("none_needed", shipped.GetProperty("licenceCheck").GetProperty("result").GetString());
        }
        foreach (var chip in chips)
        {
            await replay.ActAsync("sg-fwd", "2024-03-08T10:00:00Z", $"/api/v1/chips/{chip}/receipts", new { country = "SG", occurredAt = "2024-03-08T10:00:00Z" });
        }
        await replay.AdvanceToAsync("2024-06-30T00:00:00Z");

        var payer = Assert.Single(await replay.OpenFlagsAsync("2024-04-30"));
        Assert.Equal("r4 organisation:hk-buyer SG", payer.Call);
        Assert.Equal(chips.Order(StringComparer.Ordinal), payer.Chips);
        Assert.Equal("2024-03-04T06:00:00Z", payer.OpenedAt);
        Assert.Contains("chip_shipped", await replay.EvidenceTypesAsync(payer.Id));

        var open = await replay.OpenFlagsAsync("2024-06-29");
        Assert.Equal(["r4 organisation:hk-buyer SG", "r5 organisation:sg-fwd SG"], open.Select(f => f.Call).Order(StringComparer.Ordinal));
        var divergence = open.Single(f => f.Rule == 5);
        Assert.Equal(chips.Order(StringComparer.Ordinal), divergence.Chips);
        Assert.Equal("2024-05-07T10:00:00Z", divergence.OpenedAt);
    }
}

/// <summary>
/// Janford Realtor (indicted November 2025, domain.md R10): chips reached China through Malaysia and Thailand, each hub
/// re-exporting within days of arrival. Signals: two transshipment hops (rule 6; the second, to China, critical) and
/// the unlicensed shipment to China (rule 16). Every leg was received, so no custody gap.
/// </summary>
public sealed class JanfordTransshipmentReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task re_exports_from_malaysia_and_thailand_within_days_raise_two_hops_and_the_unlicensed_leg_to_china_rule_16()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("janford", OrganisationKind.Distributor, "US");
        await replay.OrganisationAsync("my-trade", OrganisationKind.Distributor, "MY");
        await replay.OrganisationAsync("th-trade", OrganisationKind.Distributor, "TH");
        await replay.OrganisationAsync("cn-lab", OrganisationKind.EndUser, "CN");
        var chips = await CaseActs.DeliveredToUsDistributorAsync(replay, "jan", 2, "2024-03-04", "janford");

        foreach (var chip in chips)
        {
            await replay.ActAsync("janford", "2024-04-01T06:00:00Z", $"/api/v1/chips/{chip}/shipments",
                new { destinationCountry = "MY", consigneeId = "my-trade", endUserId = "my-trade", occurredAt = "2024-04-01T06:00:00Z" });
            await replay.ActAsync("my-trade", "2024-04-04T10:00:00Z", $"/api/v1/chips/{chip}/receipts", new { country = "MY", occurredAt = "2024-04-04T10:00:00Z" });
            await replay.ActAsync("my-trade", "2024-04-10T06:00:00Z", $"/api/v1/chips/{chip}/shipments",
                new { destinationCountry = "TH", consigneeId = "th-trade", endUserId = "th-trade", occurredAt = "2024-04-10T06:00:00Z" });
            await replay.ActAsync("th-trade", "2024-04-12T10:00:00Z", $"/api/v1/chips/{chip}/receipts", new { country = "TH", occurredAt = "2024-04-12T10:00:00Z" });
            var toChina = await replay.ActAsync("th-trade", "2024-04-18T06:00:00Z", $"/api/v1/chips/{chip}/shipments",
                new { destinationCountry = "CN", consigneeId = "cn-lab", endUserId = "cn-lab", occurredAt = "2024-04-18T06:00:00Z" });
            Assert.Equal("missing", toChina.GetProperty("licenceCheck").GetProperty("result").GetString());
            await replay.ActAsync("cn-lab", "2024-04-25T10:00:00Z", $"/api/v1/chips/{chip}/receipts", new { country = "CN", occurredAt = "2024-04-25T10:00:00Z" });
        }
        await replay.AdvanceToAsync("2024-06-30T00:00:00Z");

        var open = await replay.OpenFlagsAsync("2024-06-29");
        Assert.Equal(["r16 organisation:th-trade CN", "r6 organisation:my-trade TH", "r6 organisation:th-trade CN"],
            open.Select(f => f.Call).Order(StringComparer.Ordinal));
        Assert.All(open, f => Assert.Equal(chips.Order(StringComparer.Ordinal), f.Chips));
        Assert.Equal("critical", open.Single(f => f.Call == "r6 organisation:th-trade CN").Severity);
        Assert.Equal("high", open.Single(f => f.Call == "r6 organisation:my-trade TH").Severity);
    }
}

/// <summary>
/// A Chinese firm training in Malaysia (2025, domain.md R13): a Malaysian cloud rents a cluster of servers to a
/// Singapore subsidiary of a Chinese parent, then, when that draws attention, to a Malaysian entity founded for the
/// purpose under the same parent. Signals: restricted-parent cloud tenancy (rule 13) for each tenant once 256 chips
/// have been theirs for 7 days, the first closing when its assignment ends; and, since the case reports no location
/// attestation, attestation silence (rule 12) 30 days after the installation. Nothing was licensable in 2024 to
/// Malaysia, the operator is old, and the site draws far less than its declared power.
/// </summary>
public sealed class MalaysiaCloudTenancyReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_cluster_rented_to_a_chinese_parents_subsidiary_then_to_its_new_malaysian_entity_raises_rule_13_for_each()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("my-cloud", OrganisationKind.Operator, "MY", "2015-04-01");
        await replay.OrganisationAsync("cn-parent", OrganisationKind.EndUser, "CN", "2012-01-01");
        await replay.OrganisationAsync("sg-sub", OrganisationKind.EndUser, "SG", "2018-01-01");
        await replay.OrganisationAsync("my-newco", OrganisationKind.EndUser, "MY", "2024-06-01");
        await replay.ParentAsync("sg-sub", "cn-parent", "2018-01-01");
        await replay.ParentAsync("my-newco", "cn-parent", "2024-06-01");
        await replay.ActAsync("my-cloud", "2024-01-10T00:00:00Z", "/api/v1/facilities", new
        {
            facilityId = "kl-dc", name = "Cyberjaya One", country = "MY", latitude = 2.92, longitude = 101.65, declaredPowerMw = 20, occurredAt = "2024-01-10T00:00:00Z",
        });
        await replay.ActAsync("my-cloud", "2024-01-10T00:00:00Z", "/api/v1/facilities/kl-dc/clusters", new { clusterId = "hall-1", name = "Hall 1", occurredAt = "2024-01-10T00:00:00Z" });

        string[] chips = [.. Enumerable.Range(1, 300).Select(i => $"nvidia:mlt-{i:D4}")];
        await replay.ActAsync("nvidia", "2024-05-06T08:00:00Z", "/api/v1/lots",
            new { lotId = "mlt", modelId = CaseActs.Model, country = "TW", fabricatedAt = "2024-05-06T08:00:00Z", serials = chips });
        await replay.BatchAsync("nvidia", "2024-05-07T09:00:00Z", "sale-offers", chips, c => new { chipId = c, buyerId = "my-cloud", occurredAt = "2024-05-07T09:00:00Z" });
        await replay.BatchAsync("my-cloud", "2024-05-07T10:00:00Z", "sale-acceptances", chips, c => new { chipId = c, occurredAt = "2024-05-07T10:00:00Z" });
        await replay.BatchAsync("nvidia", "2024-05-08T06:00:00Z", "shipments", chips, c => new
        {
            chipId = c, destinationCountry = "MY", consigneeId = "my-cloud", endUserId = "my-cloud", occurredAt = "2024-05-08T06:00:00Z",
        });
        await replay.BatchAsync("my-cloud", "2024-05-13T10:00:00Z", "receipts", chips, c => new { chipId = c, country = "MY", occurredAt = "2024-05-13T10:00:00Z" });
        await replay.BatchAsync("my-cloud", "2024-05-15T12:00:00Z", "installations", chips,
            c => new { chipId = c, facilityId = "kl-dc", clusterId = "hall-1", rack = "r1", occurredAt = "2024-05-15T12:00:00Z" });
        await replay.BatchAsync("my-cloud", "2024-05-16T00:00:00Z", "tenancies", chips,
            c => new { chipId = c, tenantId = "sg-sub", from = "2024-05-16T00:00:00Z", to = "2024-06-15T00:00:00Z", occurredAt = "2024-05-16T00:00:00Z" });
        await replay.BatchAsync("my-cloud", "2024-06-15T00:00:00Z", "tenancies", chips,
            c => new { chipId = c, tenantId = "my-newco", from = "2024-06-15T00:00:00Z", occurredAt = "2024-06-15T00:00:00Z" });
        await replay.AdvanceToAsync("2024-07-31T00:00:00Z");

        Assert.Empty(await replay.OpenFlagsAsync("2024-05-22"));
        var first = Assert.Single(await replay.OpenFlagsAsync("2024-06-12"));
        Assert.Equal("r13 cluster:kl-dc/hall-1 MY", first.Call);
        Assert.Equal("2024-05-23T00:00:00Z", first.OpenedAt);
        Assert.Contains("sg-sub", first.Explanation, StringComparison.Ordinal);
        Assert.Equal(300, first.Chips.Count);

        var open = await replay.OpenFlagsAsync("2024-07-30");
        Assert.Equal(["r12 facility:kl-dc MY", "r13 cluster:kl-dc/hall-1 MY"], open.Select(f => f.Call).Order(StringComparer.Ordinal));
        var second = open.Single(f => f.Rule == 13);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Contains("my-newco", second.Explanation, StringComparison.Ordinal);
        Assert.Equal("2024-06-22T00:00:00Z", second.OpenedAt);
        Assert.Equal("2024-06-14T12:00:00Z", open.Single(f => f.Rule == 12).OpenedAt);
    }
}

/// <summary>
/// Supermicro pass-through (2026, domain.md R12): servers audited at a US site while their serial labels were on
/// dummy servers; the real ones ran elsewhere. Signal: the same serial placed at two facilities at once (rule 11, per
/// chip). The US shipment needed no licence, so neither rule 2 nor rule 3 speaks, and the asOf date falls before
/// 30 days of attestation silence.
/// </summary>
public sealed class SupermicroPassThroughReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task chips_installed_in_california_and_reported_installed_in_singapore_raise_rule_11_for_each_chip()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("us-dc", OrganisationKind.Operator, "US");
        await replay.OrganisationAsync("sg-op", OrganisationKind.Operator, "SG");
        await replay.ActAsync("us-dc", "2024-01-08T00:00:00Z", "/api/v1/facilities", new
        {
            facilityId = "sj-1", name = "San Jose 1", country = "US", latitude = 37.34, longitude = -121.89, declaredPowerMw = 30, occurredAt = "2024-01-08T00:00:00Z",
        });
        await replay.ActAsync("us-dc", "2024-01-08T00:00:00Z", "/api/v1/facilities/sj-1/clusters", new { clusterId = "c1", name = "C1", occurredAt = "2024-01-08T00:00:00Z" });
        await replay.ActAsync("sg-op", "2024-01-08T00:00:00Z", "/api/v1/facilities", new
        {
            facilityId = "sg-3", name = "Jurong 3", country = "SG", latitude = 1.33, longitude = 103.74, declaredPowerMw = 30, occurredAt = "2024-01-08T00:00:00Z",
        });
        var chips = await CaseActs.DeliveredToUsDistributorAsync(replay, "smc", 2, "2024-06-03", "us-dc");
        foreach (var chip in chips)
        {
            await replay.ActAsync("us-dc", "2024-06-04T12:00:00Z", $"/api/v1/chips/{chip}/installations",
                new { facilityId = "sj-1", clusterId = "c1", rack = "a1", occurredAt = "2024-06-04T12:00:00Z" });
        }
        foreach (var chip in chips)
        {
            await replay.ObserveAsync("sg-op", "2024-06-20T09:00:00Z", chip, "installation", "SG", "serial read off a server racked at Jurong 3", "sg-3");
        }
        await replay.AdvanceToAsync("2024-07-01T00:00:00Z");

        Assert.Empty(await replay.OpenFlagsAsync("2024-06-19"));
        var open = await replay.OpenFlagsAsync("2024-06-30");
        Assert.Equal(chips.Select(c => $"r11 chip:{c} -").Order(StringComparer.Ordinal), open.Select(f => f.Call).Order(StringComparer.Ordinal));
        Assert.All(open, f => Assert.Equal("2024-06-20T09:00:00Z", f.OpenedAt));
    }
}

/// <summary>
/// H20 pre-rule orders (Q1 2025, domain.md R15): a Chinese buyer that had bought two H20s a month through 2024 buys
/// ten a month from January 2025, within 120 days of the licence requirement for the H20 of 2025-04-09. Signal: an
/// acquisition surge before an effective date (rule 7), open from the first instant the 90-day window reaches 3 times
/// the trailing monthly mean (the February purchase: 22 in the window, 7.33 a month, against 2) until the rule takes
/// effect. The chips stay in the maker's custody, so no other rule has anything to judge.
/// </summary>
public sealed class H20PreRuleSurgeReplayTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task a_buyer_that_quintuples_its_monthly_h20_purchases_before_the_april_2025_notice_raises_rule_7_until_it_takes_effect()
    {
        var replay = new CaseReplay(host);
        await replay.OrganisationAsync("nvidia", OrganisationKind.Manufacturer, "US");
        await replay.OrganisationAsync("cn-buyer", OrganisationKind.Distributor, "CN", "2015-01-01");
        string[] chips = [.. Enumerable.Range(1, 54).Select(i => $"nvidia:h20-{i:D4}")];
        await replay.ActAsync("nvidia", "2023-12-01T08:00:00Z", "/api/v1/lots",
            new { lotId = "h20", modelId = CatalogSeed.H20.ModelId, country = "TW", fabricatedAt = "2023-12-01T08:00:00Z", serials = chips });

        var months = Enumerable.Range(0, 15).Select(m => (Day: new NodaTime.LocalDate(2024, 1, 15).PlusMonths(m), Chips: m < 12 ? 2 : 10));
        var sold = 0;
        foreach (var (day, count) in months)
        {
            var batch = chips[sold..(sold + count)];
            sold += count;
            var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await replay.BatchAsync("nvidia", $"{date}T09:00:00Z", "sale-offers", batch, c => new { chipId = c, buyerId = "cn-buyer", occurredAt = $"{date}T09:00:00Z" });
            await replay.BatchAsync("cn-buyer", $"{date}T10:00:00Z", "sale-acceptances", batch, c => new { chipId = c, occurredAt = $"{date}T10:00:00Z" });
        }
        await replay.AdvanceToAsync("2025-04-15T00:00:00Z");

        Assert.Empty(await replay.OpenFlagsAsync("2025-02-14"));
        var surge = Assert.Single(await replay.OpenFlagsAsync("2025-03-01"));
        Assert.Equal("r7 organisation:cn-buyer -", surge.Call);
        Assert.Equal("2025-02-15T10:00:00Z", surge.OpenedAt);
        Assert.Equal("medium", surge.Severity);
        Assert.Contains("individual_notice_2025_04_09", surge.Explanation, StringComparison.Ordinal);
        Assert.Contains("chip_sale_accepted", await replay.EvidenceTypesAsync(surge.Id));
        Assert.Empty(await replay.OpenFlagsAsync("2025-04-09"));
    }
}
