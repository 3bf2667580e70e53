using System.Net;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>Every bad request to a chip write gets its 4xx problem code, and the database is left exactly as it was.</summary>
public sealed class ChipWriteBadInputTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private const string Injection = "'; drop table events; --";

    private string? manufacturer;
    private string? stranger;

    private async Task<string> ManufacturerAsync()
    {
        manufacturer ??= (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;
        stranger ??= (await host.OrganisationKeyAsync("amd", OrganisationKind.Manufacturer, "US")).Token;
        await host.RegisterOrganisationAsync("dist-sg", OrganisationKind.Distributor, "SG");
        return manufacturer;
    }

    private static string Serial() => $"nvidia:{Guid.NewGuid():N}";

    private static string Lot(string serialsJson, string? lotId = null, string model = "nvidia-h100-sxm", string time = "2026-01-05T10:00:00Z") =>
        $$"""{"lotId":"{{lotId ?? ChipArranger.FreshId("lot")}}","modelId":"{{model}}","country":"TW","fabricatedAt":"{{time}}","serials":{{serialsJson}}}""";

    public static TheoryData<string, int, string> BadLots()
    {
        var a = Serial();
        return new TheoryData<string, int, string>
        {
            { """{"lotId":"lot-x","modelId":"nvidia-h100-sxm",""", 400, "malformed_json" },
            { Lot($"""["{Serial()}", """), 400, "malformed_json" },
            { Lot($"""["{Serial()}"]""") + " trailing", 400, "malformed_json" },
            { "null", 400, "malformed_json" },
            { """{"lotId":5,"modelId":"nvidia-h100-sxm","country":"TW","serials":[]}""", 400, "wrong_type" },
            { Lot("\"nvidia:1\""), 400, "wrong_type" },
            { Lot($"""["{Serial()}", 7]"""), 400, "wrong_type" },
            { """{"lotId":"lot-y","modelId":"nvidia-h100-sxm","serials":["nvidia:1"]}""", 400, "missing_field" },
            { """{"lotId":"lot-z","modelId":"nvidia-h100-sxm","country":"TW"}""", 400, "missing_field" },
            { Lot("""["nvidia:1"]""", time: "yesterday"), 400, "wrong_type" },
            { """{"lotId":"lot-u","modelId":"nvidia-h100-sxm","country":"TW","colour":"green","serials":["nvidia:1"]}""", 400, "unknown_field" },
            { $$"""{"lotId":"lot-o","modelId":"nvidia-h100-sxm","country":"TW","serials":["{{Serial()}}"],"fabricatedAt":"2026-01-05T10:00:00Z"}""", 400, "field_order" },
            { Lot($"""["{Serial()}", "amd:12345"]"""), 422, "invalid_chip" },
            { Lot($"""["{Serial()}", "nvidia:{Injection}"]"""), 422, "invalid_serial" },
            { Lot($"""["{Injection}"]"""), 422, "invalid_chip" },
            { Lot($"""["{a}", "{Serial()}", "{a}"]"""), 422, "duplicate_serial" },
            { Lot("[]"), 422, "lot_empty" },
            { Lot($"""["{Serial()}"]""", time: "1900-01-01T00:00:00Z"), 422, "business_time_out_of_range" },
            { Lot($"""["{Serial()}"]""", time: "9999-12-31T23:59:59Z"), 422, "business_time_out_of_range" },
            { Lot($"""["{Serial()}"]""", model: "nvidia-h999"), 422, "unknown_model" },
            { Lot($"""["{Serial()}"]""", model: "amd-mi300x"), 409, "not_model_manufacturer" },
            { Lot($"""["{Serial()}"]""", lotId: Injection), 422, "invalid_id" },
        };
    }

    [Theory]
    [MemberData(nameof(BadLots))]
    public async Task a_bad_lot_gets_its_problem_code_and_writes_nothing(string body, int status, string code)
    {
        var key = await ManufacturerAsync();
        var before = await host.EventCountAsync();
        var chips = await host.ScalarAsync("select count(*) from chipregistry.chip_state");

        var response = await host.PostRawAsync("/api/v1/lots", key, body);

        Assert.Equal((status, code), await ProblemAsync(response));
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal(chips, await host.ScalarAsync("select count(*) from chipregistry.chip_state"));
    }

    [Fact]
    public async Task a_lot_overlapping_registered_chips_is_409_chip_already_registered_and_registers_none_of_its_new_chips()
    {
        var key = await ManufacturerAsync();
        var existing = Serial();
        Assert.Equal(HttpStatusCode.Created, (await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{existing}"]"""))).StatusCode);
        var fresh = Serial();
        var before = await host.EventCountAsync();

        var response = await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{fresh}", "{existing}"]"""));

        Assert.Equal((409, "chip_already_registered"), await ProblemAsync(response));
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal(0, await host.ChipVersionAsync(fresh));
    }

    [Fact]
    public async Task a_lot_id_used_before_is_409_and_another_manufacturers_key_cannot_register_nvidia_serials()
    {
        var key = await ManufacturerAsync();
        var lotId = ChipArranger.FreshId("lot");
        Assert.Equal(HttpStatusCode.Created, (await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{Serial()}"]""", lotId))).StatusCode);
        var before = await host.EventCountAsync();

        var again = await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{Serial()}"]""", lotId));
        var squatter = await host.PostRawAsync("/api/v1/lots", stranger!, Lot($"""["{Serial()}"]""", model: "amd-mi300x"));

        Assert.Equal((409, "lot_already_registered"), await ProblemAsync(again));
        Assert.Equal((422, "invalid_chip"), await ProblemAsync(squatter));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task two_simultaneous_lots_under_one_new_lot_id_register_one_and_refuse_the_other()
    {
        var key = await ManufacturerAsync();
        for (var round = 0; round < 5; round++)
        {
            var lotId = ChipArranger.FreshId("lot");
            // Big enough that the first lot's append is still streaming while the second checks the lot id.
            var bodies = Enumerable.Range(0, 2).Select(_ => Lot($"[{string.Join(',', Enumerable.Range(0, 2_000).Select(_ => $"\"{Serial()}\""))}]", lotId)).ToArray();

            var answers = await Task.WhenAll(bodies.Select(body => host.PostRawAsync("/api/v1/lots", key, body)));

            var statuses = answers.Select(a => (int)a.StatusCode).Order().ToArray();
            Assert.Equal([201, 409], statuses);
            Assert.Equal((409, "lot_already_registered"), await ProblemAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Conflict)));
        }
    }

    [Fact]
    public async Task a_registered_lot_answers_its_count_and_ends_and_every_chip_is_the_manufacturers()
    {
        var key = await ManufacturerAsync();
        var serials = Enumerable.Range(0, 5).Select(_ => Serial()).ToArray();

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/lots", key, new LotRequest("lot-five", CatalogSeed.H100Sxm.ModelId, "TW", null, serials));

        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((5, serials[0], serials[^1]), (body.GetProperty("chipCount").GetInt64(), body.GetProperty("firstChipId").GetString(), body.GetProperty("lastChipId").GetString()));
        Assert.Equal(5, await host.ScalarAsync("select count(*) from chipregistry.chip_state where lot_id = 'lot-five' and owner_id = 'nvidia' and custodian_id = 'nvidia'"));
        Assert.Equal(5, await host.ScalarAsync("select count(*) from chipregistry.events where type = 'chip_fabricated' and acting_organisation = 'nvidia' and data ->> 'lot_id' = 'lot-five'"));
    }

    [Fact]
    public async Task a_lot_body_over_32_mib_is_413_payload_too_large_with_or_without_a_content_length_and_writes_nothing()
    {
        var key = await ManufacturerAsync();
        var before = await host.EventCountAsync();
        var serials = string.Join(",", Enumerable.Range(0, 1000).Select(_ => $"\"{Serial()}\""));
        var body = Lot($"[{serials}{new string(' ', 33 * 1024 * 1024)}]");

        var declared = await host.PostRawAsync("/api/v1/lots", key, body);
        var undeclared = await host.PostUndeclaredAsync("/api/v1/lots", key, body);

        Assert.Equal((413, "payload_too_large"), await ProblemAsync(declared));
        Assert.Equal((413, "payload_too_large"), await ProblemAsync(undeclared));
        Assert.Equal(before, await host.EventCountAsync());
    }

    public static TheoryData<string, string, int, string> BadChipWrites() => new()
    {
        { "sale-offer", """{"buyerId":"dist-sg",""", 400, "malformed_json" },
        { "sale-offer", """{"buyerId":5}""", 400, "wrong_type" },
        { "sale-offer", """{}""", 400, "missing_field" },
        { "sale-offer", """{"buyerId":"dist-sg","buyerId":"nvidia"}""", 400, "duplicate_field" },
        { "sale-offer", """{"buyerId":null}""", 400, "wrong_type" },
        { "sale-offer", """{"buyerId":"dist-sg","price":100}""", 400, "unknown_field" },
        { "sale-offer", """{"buyerId":"dist-sg","occurredAt":"2026-01-05T10:00:00"}""", 400, "wrong_type" },
        { "sale-offer", """{"buyerId":"dist-sg","occurredAt":"1900-01-01T00:00:00Z"}""", 422, "business_time_out_of_range" },
        { "sale-offer", """{"buyerId":"dist-sg","occurredAt":"9999-12-31T00:00:00Z"}""", 422, "business_time_out_of_range" },
        { "sale-offer", $$"""{"buyerId":"{{Injection}}"}""", 422, "unknown_organisation" },
        { "sale-offer", """{"buyerId":"nvidia"}""", 422, "invalid_buyer" },
        { "sale-offer/acceptance", """{}""", 409, "no_open_offer" },
        { "receipts", """{"country":"TW"}""", 409, "chip_not_in_transit" },
        { "receipts", """{"country":"Taiwan"}""", 422, "invalid_country" },
        { "shipments", """{"destinationCountry":"DE","consigneeId":"dist-sg","endUserId":"dist-sg","licenceId":"lic-none"}""", 422, "unknown_licence" },
        { "shipments", """{"destinationCountry":"DE","consigneeId":"nobody","endUserId":"dist-sg"}""", 422, "unknown_organisation" },
        { "loss-reports", """{"kind":"mislaid","circumstances":"?"}""", 422, "invalid_kind" },
        { "destruction", """{"method":"  "}""", 422, "invalid_field" },
        { "voids", """{"eventId":"not-a-guid","reason":"x"}""", 400, "wrong_type" },
        { "voids", $$"""{"eventId":"{{Guid.Empty}}","reason":"x"}""", 404, "event_not_found" },
    };

    [Theory]
    [MemberData(nameof(BadChipWrites))]
    public async Task a_bad_chip_write_gets_its_problem_code_and_the_chip_is_unchanged(string act, string body, int status, string code)
    {
        var key = await ManufacturerAsync();
        var chip = Serial();
        Assert.Equal(HttpStatusCode.Created, (await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{chip}"]"""))).StatusCode);
        var before = await host.EventCountAsync();

        var response = await host.PostRawAsync($"/api/v1/chips/{chip}/{act}", key, body);

        Assert.Equal((status, code), await ProblemAsync(response));
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal(1, await host.ChipVersionAsync(chip));
    }

    [Theory]
    [InlineData("'; drop table events; --")]
    [InlineData("nvidia:1' or '1'='1")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    public async Task an_injection_string_as_a_chip_id_is_the_fixed_404_and_changes_nothing(string chipId)
    {
        var key = await ManufacturerAsync();
        var before = await host.EventCountAsync();

        var response = await host.PostRawAsync($"/api/v1/chips/{Uri.EscapeDataString(chipId)}/sale-offer", key, """{"buyerId":"dist-sg"}""");

        Assert.Equal((404, "chip_not_found"), await ProblemAsync(response));
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal(1, await host.ScalarAsync("select count(*) from pg_tables where schemaname = 'chipregistry' and tablename = 'events'"));
    }

    [Fact]
    public async Task a_report_after_destruction_by_the_last_custodian_is_409_chip_destroyed_not_an_observation()
    {
        var key = await ManufacturerAsync();
        var chip = Serial();
        Assert.Equal(HttpStatusCode.Created, (await host.PostRawAsync("/api/v1/lots", key, Lot($"""["{chip}"]"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.PostRawAsync($"/api/v1/chips/{chip}/destruction", key, """{"method":"shredded"}""")).StatusCode);
        var before = await host.EventCountAsync();

        var response = await host.PostRawAsync($"/api/v1/chips/{chip}/decommissioning", key, """{"reason":"late paperwork"}""");

        Assert.Equal((409, "chip_destroyed"), await ProblemAsync(response));
        Assert.Equal(before, await host.EventCountAsync());
    }
}
