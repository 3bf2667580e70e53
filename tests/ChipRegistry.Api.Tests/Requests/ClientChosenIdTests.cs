using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Requests;

/// <summary>
/// Every id a client chooses follows one grammar, free text one rule, a country must be assigned by ISO, serials are
/// one chip whatever their case: each example refused with its code and nothing appended.
/// </summary>
public sealed class ClientChosenIdTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    /// <summary>The ids the issue shows accepted: a bell, a line feed, a right-to-left override, a zero-width space, a Cyrillic і, upper case.</summary>
    public static TheoryData<string> IssueIds() => ["a\u0007b", "a\nb", "abc\u202edcba", "a\u200bb", "nv\u0456dia", "NVIDIA"];

    private static string Fresh(string prefix) => RegistryWorld.FreshId(prefix);

    /// <summary>Each endpoint that registers a new record with a client-chosen id, as (caller token, path, body with that id).</summary>
    private async Task<IReadOnlyList<(string Record, string Token, string Path, object Body)>> RegistrationsAsync(string id)
    {
        var @operator = await world.OtherOperatorAsync();
        var agency = await world.AgencyAsync();
        var exporter = await world.ExporterAsync();
        var maker = await world.MakerAsync();
        var licensee = await world.LicenseeAsync();
        var facilityId = await world.FacilityAsync(@operator);
        return
        [
            ("organisation", ApiFixture.AdminKey, "/api/v1/organisations", new { organisationId = id, name = "Acme", kind = "distributor", country = "SG", foundedOn = "2020-01-01" }),
            ("facility", @operator.Token, "/api/v1/facilities", new { facilityId = id, name = "Site", country = "US", latitude = 33.75m, longitude = -84.39m, declaredPowerMw = 30m }),
            ("cluster", @operator.Token, $"/api/v1/facilities/{facilityId}/clusters", new { clusterId = id, name = "Hall" }),
            ("licence", agency.Token, "/api/v1/licences", new
            {
                licenceId = id, number = "D1111111", holderId = licensee, consigneeId = licensee, endUserId = licensee, destination = "MY",
                modelIds = new[] { RegistryWorld.ModelId }, quantity = 8, validFrom = "2026-01-01", validUntil = "2027-12-31",
            }),
            ("notification", exporter.Token, "/api/v1/notifications", new
            {
                notificationId = id, kind = "nac", number = "A222222", consigneeId = licensee, endUserId = licensee, destination = "MY", modelId = "nvidia-h20",
            }),
            ("assembly", maker.Token, "/api/v1/assemblies", new { assemblyId = id, kind = "server", serial = Fresh("sn"), country = "US" }),
            ("model", maker.Token, "/api/v1/models", Model(id)),
        ];
    }

    private static object Model(string modelId, bool withThroughput = true) => new
    {
        modelId, vendor = "World", name = "W1",
        throughput = withThroughput ? new[] { new { precision = "BF16", denseTeraOps = 400m, bitLength = 16 } } : [],
        logicDieAreaMm2 = 600m, memoryBandwidthGBs = 2000m, interconnectBandwidthGBs = 400m, dataCenterDesign = true, tdpWatts = 500m,
    };

    private async Task<string> NvidiaAsync() => (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;

    private static string Lot(string lotIdJson, string serialsJson) =>
        $$"""{"lotId":{{lotIdJson}},"modelId":"nvidia-h100-sxm","country":"TW","fabricatedAt":"2026-01-05T10:00:00Z","serials":{{serialsJson}}}""";

    private async Task<(int Status, string? Code, string? Detail)> PostBytesAsync(string token, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await host.Client.SendAsync(request, ChipApi.Cancel);
        var text = await response.Content.ReadAsStringAsync(ChipApi.Cancel);
        using var problem = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return ((int)response.StatusCode, problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null,
            problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }

    private async Task<(int Status, string? Code)> SendAsync(string token, string path, object body) =>
        await ChipApi.ProblemAsync(await host.SendAsync(HttpMethod.Post, path, token, body));

    [Theory]
    [MemberData(nameof(IssueIds), DisableDiscoveryEnumeration = true)]
    public async Task each_id_of_the_issue_is_422_invalid_id_for_every_new_record_and_appends_nothing(string id)
    {
        var registrations = await RegistrationsAsync(id);
        var nvidia = await NvidiaAsync();
        var before = await host.EventCountAsync();

        var answers = new List<string>();
        foreach (var (record, token, path, body) in registrations)
        {
            answers.Add($"{record}: {await SendAsync(token, path, body)}");
        }
        answers.Add($"lot: {await ChipApi.ProblemAsync(await host.PostRawAsync("/api/v1/lots", nvidia, Lot(JsonSerializer.Serialize(id), $"[\"nvidia:{Guid.NewGuid():N}\"]")))}");

        Assert.All(answers, answer => Assert.EndsWith("(422, invalid_id)", answer, StringComparison.Ordinal));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task registry_as_an_agency_and_other_reserved_names_are_422_reserved_id()
    {
        var registrations = await RegistrationsAsync("admin");
        var before = await host.EventCountAsync();

        var registry = await SendAsync(ApiFixture.AdminKey, "/api/v1/organisations",
            new { organisationId = "registry", name = "Registry", kind = "agency", country = "US", foundedOn = "2020-01-01" });
        var system = await SendAsync(ApiFixture.AdminKey, "/api/v1/organisations",
            new { organisationId = "system", name = "System", kind = "agency", country = "US", foundedOn = "2020-01-01" });
        var admins = new List<(int, string?)>();
        foreach (var (_, token, path, body) in registrations.Where(r => r.Record != "model"))
        {
            admins.Add(await SendAsync(token, path, body));
        }

        Assert.Equal((422, "reserved_id"), registry);
        Assert.Equal((422, "reserved_id"), system);
        Assert.All(admins, answer => Assert.Equal((422, "reserved_id"), answer));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_model_id_belongs_to_its_manufacturer_and_a_model_needs_a_throughput_figure()
    {
        var maker = await world.MakerAsync();
        var before = await host.EventCountAsync();

        var foreign = await SendAsync(maker.Token, "/api/v1/models", Model(Fresh("nvidia")));
        var noThroughput = await SendAsync(maker.Token, "/api/v1/models", Model($"{maker.OrganisationId}-{Fresh("m")}", withThroughput: false));

        Assert.Equal((422, "foreign_model_id"), foreign);
        Assert.Equal((422, "invalid_spec"), noThroughput);
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal((201, null), await SendAsync(maker.Token, "/api/v1/models", Model($"{maker.OrganisationId}-{Fresh("m")}")));
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("ZZ")]
    [InlineData("QQ")]
    [InlineData("AA")]
    public async Task a_country_iso_has_not_assigned_is_422_unknown_country(string country)
    {
        var before = await host.EventCountAsync();

        var answer = await SendAsync(ApiFixture.AdminKey, "/api/v1/organisations",
            new { organisationId = Fresh("org"), name = "Acme", kind = "distributor", country, foundedOn = "2020-01-01" });

        Assert.Equal((422, "unknown_country"), answer);
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Theory]
    [InlineData("Acme\u202e Trading")]
    [InlineData("Acme\u2066 Trading")]
    [InlineData("Acme\nTrading")]
    [InlineData("Acme\u0007")]
    public async Task a_name_with_a_control_or_bidi_character_is_422_invalid_text(string name)
    {
        var before = await host.EventCountAsync();

        var answer = await SendAsync(ApiFixture.AdminKey, "/api/v1/organisations",
            new { organisationId = Fresh("org"), name, kind = "distributor", country = "SG", foundedOn = "2020-01-01" });

        Assert.Equal((422, "invalid_text"), answer);
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_name_is_stored_nfc_normalised()
    {
        var organisationId = Fresh("org");

        Assert.Equal((201, null), await SendAsync(ApiFixture.AdminKey, "/api/v1/organisations",
            new { organisationId, name = "Cafe\u0301 Trading", kind = "distributor", country = "SG", foundedOn = "2020-01-01" }));

        using var organisation = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/organisations/{organisationId}");
        Assert.Equal("Caf\u00e9 Trading", organisation.RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("lotId", "\"a\\u0000b\"", "[\"nvidia:S1\"]", "$.lotId")]
    [InlineData("serial U+0000", "\"lot-c0\"", "[\"nvidia:S1\", \"nvidia:a\\u0000b\"]", "$.serials[1]")]
    [InlineData("serial lone surrogate", "\"lot-c1\"", "[\"nvidia:S1\", \"nvidia:\\ud800\"]", "$.serials[1]")]
    [InlineData("lotId lone surrogate", "\"\\udc00\"", "[\"nvidia:S1\"]", "$.lotId")]
    public async Task a_lot_string_the_registry_cannot_store_is_400_invalid_character_naming_its_path(string what, string lotIdJson, string serialsJson, string path)
    {
        var nvidia = await NvidiaAsync();
        var before = await host.EventCountAsync();
        var body = Lot(lotIdJson, serialsJson).Replace("lot-c", Fresh("lot-c"), StringComparison.Ordinal).Replace("nvidia:S1", $"nvidia:{Guid.NewGuid():N}", StringComparison.Ordinal);

        var (status, code, detail) = await PostBytesAsync(nvidia, "/api/v1/lots", Encoding.UTF8.GetBytes(body));

        Assert.True((400, "invalid_character") == (status, code), $"{what}: {status} {code} {detail}");
        Assert.StartsWith($"At {path}:", detail, StringComparison.Ordinal);
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_serial_of_bytes_that_are_not_utf8_is_400_invalid_character_naming_its_path()
    {
        var nvidia = await NvidiaAsync();
        var before = await host.EventCountAsync();
        var body = Encoding.UTF8.GetBytes(Lot($"\"{Fresh("lot")}\"", "[\"nvidia:X\"]"));
        var at = Array.IndexOf(body, (byte)'X');
        body[at] = 0xFF;

        var (status, code, detail) = await PostBytesAsync(nvidia, "/api/v1/lots", body);

        Assert.Equal((400, "invalid_character"), (status, code));
        Assert.StartsWith("At $.serials[0]:", detail, StringComparison.Ordinal);
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_serial_longer_than_64_or_outside_the_grammar_is_422_invalid_serial()
    {
        var nvidia = await NvidiaAsync();
        var before = await host.EventCountAsync();

        var tooLong = await host.PostRawAsync("/api/v1/lots", nvidia, Lot($"\"{Fresh("lot")}\"", $"[\"nvidia:{new string('7', 65)}\"]"));
        var space = await host.PostRawAsync("/api/v1/lots", nvidia, Lot($"\"{Fresh("lot")}\"", "[\"nvidia:BD 2\"]"));

        Assert.Equal((422, "invalid_serial"), await ChipApi.ProblemAsync(tooLong));
        Assert.Equal((422, "invalid_serial"), await ChipApi.ProblemAsync(space));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task a_serial_registered_in_another_case_is_the_same_chip_refused_again_and_reached_by_any_case()
    {
        var nvidia = await NvidiaAsync();
        var serial = $"BD-{Guid.NewGuid():N}"[..20].ToUpperInvariant();
        var registered = $"nvidia:{serial}";
        var relabelled = $"nvidia:{serial.ToLowerInvariant()}";
        Assert.Equal(201, (int)(await host.PostRawAsync("/api/v1/lots", nvidia, Lot($"\"{Fresh("lot")}\"", $"[\"{registered}\"]"))).StatusCode);
        var before = await host.EventCountAsync();

        var again = await host.PostRawAsync("/api/v1/lots", nvidia, Lot($"\"{Fresh("lot")}\"", $"[\"nvidia:{Guid.NewGuid():N}\", \"{relabelled}\"]"));
        var twiceInOneLot = await host.PostRawAsync("/api/v1/lots", nvidia, Lot($"\"{Fresh("lot")}\"", "[\"nvidia:CA-77\", \"nvidia:ca-77\"]"));

        Assert.Equal((409, "chip_already_registered"), await ChipApi.ProblemAsync(again));
        Assert.Equal((422, "duplicate_serial"), await ChipApi.ProblemAsync(twiceInOneLot));
        Assert.Equal(before, await host.EventCountAsync());
        Assert.Equal(0, await host.ChipVersionAsync(relabelled));

        using var read = await host.GetJsonAsync(nvidia, $"/api/v1/chips/{relabelled}");
        Assert.Equal(registered, read.RootElement.GetProperty("chipId").GetString());
        var hold = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{relabelled}/hold", (await world.AgencyAsync()).Token, new { reason = "relabelled serial" });
        Assert.Equal(201, (int)hold.StatusCode);
        Assert.Equal(2, await host.ChipVersionAsync(registered));
    }
}
