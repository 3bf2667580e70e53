using System.Net;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Licences;

public sealed class LicenceEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    private static object Grant(string licenceId, string holderId = "lic-holder", string consigneeId = "lic-consignee", string validUntil = "2027-12-31", int quantity = 100, string modelId = "nvidia-h100-sxm") => new
    {
        licenceId, number = "D2000001", holderId, consigneeId, endUserId = consigneeId, destination = "AE",
        modelIds = new[] { modelId }, quantity, validFrom = "2026-01-01", validUntil,
    };

    private async Task PartiesAsync()
    {
        await host.RegisterOrganisationAsync("lic-holder", OrganisationKind.Distributor, "US");
        await host.RegisterOrganisationAsync("lic-consignee", OrganisationKind.Operator, "AE");
    }

    [Fact]
    public async Task an_agency_grants_and_revokes_a_licence_that_the_named_parties_read_and_others_cannot()
    {
        await PartiesAsync();
        var agency = await host.OrganisationKeyAsync("bis-test", OrganisationKind.Agency);
        var holder = await host.OrganisationKeyAsync("lic-holder", OrganisationKind.Distributor);
        var consignee = await host.OrganisationKeyAsync("lic-consignee", OrganisationKind.Operator);
        var stranger = await host.OrganisationKeyAsync("lic-stranger", OrganisationKind.Distributor);

        var granted = await host.SendAsync(HttpMethod.Post, "/api/v1/licences", agency.Token, Grant("lic-uae-1"));
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        foreach (var reader in new[] { holder.Token, consignee.Token, agency.Token, ApiFixture.AdminKey })
        {
            using var licence = await host.GetJsonAsync(reader, "/api/v1/licences/lic-uae-1");
            Assert.Equal("D2000001", licence.RootElement.GetProperty("number").GetString());
            Assert.Equal("bis-test", licence.RootElement.GetProperty("grantedBy").GetString());
        }
        var hidden = await host.SendAsync(HttpMethod.Get, "/api/v1/licences/lic-uae-1", stranger.Token);
        Assert.Equal((HttpStatusCode.NotFound, "licence_not_found"), (hidden.StatusCode, await ApiFixture.ProblemCodeAsync(hidden)));

        var revoked = await host.SendAsync(HttpMethod.Post, "/api/v1/licences/lic-uae-1/revoke", agency.Token, new { reason = "diversion risk", effectiveFrom = "2026-09-01" });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using (var read = await host.GetJsonAsync(holder.Token, "/api/v1/licences/lic-uae-1"))
        {
            var revocation = read.RootElement.GetProperty("revocation");
            Assert.Equal("diversion risk", revocation.GetProperty("reason").GetString());
            Assert.Equal("2026-09-01", revocation.GetProperty("effectiveFrom").GetString());
        }
        var before = await world.EventCountAsync();
        var again = await host.SendAsync(HttpMethod.Post, "/api/v1/licences/lic-uae-1/revoke", agency.Token, new { reason = "again", effectiveFrom = "2026-10-01" });
        var unknown = await host.SendAsync(HttpMethod.Post, "/api/v1/licences/lic-none/revoke", agency.Token, new { reason = "x", effectiveFrom = "2026-10-01" });
        var noReason = await host.SendAsync(HttpMethod.Post, "/api/v1/licences/lic-uae-1/revoke", agency.Token, new { effectiveFrom = "2026-10-01" });
        Assert.Equal((HttpStatusCode.Conflict, "licence_already_revoked"), (again.StatusCode, await ApiFixture.ProblemCodeAsync(again)));
        Assert.Equal((HttpStatusCode.NotFound, "licence_not_found"), (unknown.StatusCode, await ApiFixture.ProblemCodeAsync(unknown)));
        Assert.Equal((HttpStatusCode.BadRequest, "missing_field"), (noReason.StatusCode, await ApiFixture.ProblemCodeAsync(noReason)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task a_notification_is_read_by_its_exporter_the_parties_it_names_agencies_and_the_registry()
    {
        var exporter = await world.PartyAsync("nac-read-exporter", OrganisationKind.Distributor, "US");
        var consignee = await world.PartyAsync("nac-read-consignee", OrganisationKind.Distributor, "MY");
        var endUser = await world.PartyAsync("nac-read-end-user", OrganisationKind.Operator, "MY");
        var agency = await world.PartyAsync("nac-read-agency", OrganisationKind.Agency, "US");
        var notificationId = RegistryWorld.FreshId("nac");
        await world.PostAsync(exporter, "/api/v1/notifications", new
        {
            notificationId, kind = "aca", number = "A300400", consigneeId = consignee.OrganisationId, endUserId = endUser.OrganisationId, destination = "MY", modelId = "nvidia-h20",
        });

        foreach (var reader in new[] { exporter.Token, consignee.Token, endUser.Token, agency.Token, ApiFixture.AdminKey })
        {
            using var read = await host.GetJsonAsync(reader, $"/api/v1/notifications/{notificationId}");
            var n = read.RootElement;
            Assert.Equal((notificationId, "aca", "A300400", "nac-read-exporter", "nac-read-consignee", "nac-read-end-user", "MY"), (n.GetProperty("notificationId").GetString(),
                n.GetProperty("kind").GetString(), n.GetProperty("number").GetString(), n.GetProperty("exporterId").GetString(), n.GetProperty("consigneeId").GetString(),
                n.GetProperty("endUserId").GetString(), n.GetProperty("destination").GetString()));
            Assert.Equal(2368m, decimal.Round(n.GetProperty("tpp").GetDecimal()));
        }
    }

    [Fact]
    public async Task a_stranger_reading_a_notification_gets_the_404_of_an_unknown_id()
    {
        var exporter = await world.PartyAsync("nac-read-exporter", OrganisationKind.Distributor, "US");
        var consignee = await world.PartyAsync("nac-read-consignee", OrganisationKind.Distributor, "MY");
        var stranger = await world.PartyAsync("nac-read-stranger", OrganisationKind.Distributor, "US");
        // The same id before and after it is filed, so the detail naming it cannot differ: only existence could.
        var notificationId = RegistryWorld.FreshId("nac");
        var path = $"/api/v1/notifications/{notificationId}";
        var unknown = await host.SendAsync(HttpMethod.Get, path, stranger.Token);
        await world.PostAsync(exporter, "/api/v1/notifications", new
        {
            notificationId, kind = "nac", number = "A300401", consigneeId = consignee.OrganisationId, endUserId = consignee.OrganisationId, destination = "MY", modelId = "nvidia-h20",
        });

        var hidden = await host.SendAsync(HttpMethod.Get, path, stranger.Token);

        Assert.Equal((HttpStatusCode.NotFound, "notification_not_found"), (hidden.StatusCode, await ApiFixture.ProblemCodeAsync(hidden)));
        Assert.Equal(unknown.StatusCode, hidden.StatusCode);
        Assert.Equal(unknown.Content.Headers.ContentType, hidden.Content.Headers.ContentType);
        Assert.Equal(await ApiFixture.ProblemBytesAsync(unknown), await ApiFixture.ProblemBytesAsync(hidden));
        using var exporterRead = await host.GetJsonAsync(exporter.Token, path);
        Assert.Equal(notificationId, exporterRead.RootElement.GetProperty("notificationId").GetString());
    }

    public static TheoryData<string, object, string, int> BadGrants => new()
    {
        { "ends before it starts", Grant("bad-lic", validUntil: "2025-01-01"), "invalid_licence", 422 },
        { "no quantity", Grant("bad-lic", quantity: 0), "invalid_licence", 422 },
        { "unknown model", Grant("bad-lic", modelId: "acme-x9"), "model_not_registered", 404 },
        { "unregistered holder", Grant("bad-lic", holderId: "ghost-trading"), "organisation_not_registered", 404 },
        { "absurd date", Grant("bad-lic", validUntil: "9999-12-31"), "date_out_of_range", 422 },
        { "id with a slash", Grant("bad/lic"), "invalid_licence", 422 },
    };

    [Theory]
    [MemberData(nameof(BadGrants))]
    public async Task bad_grants_get_their_code_and_write_nothing(string why, object body, string code, int status)
    {
        await PartiesAsync();
        var agency = await host.OrganisationKeyAsync("bis-bad", OrganisationKind.Agency);
        var before = await world.EventCountAsync();

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/licences", agency.Token, body);

        Assert.True((status, code) == ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)), $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task an_exporter_files_a_notification_whose_tpp_comes_from_the_catalog_and_bad_ones_write_nothing()
    {
        await PartiesAsync();
        var exporter = await host.OrganisationKeyAsync("nac-exporter", OrganisationKind.Distributor);

        var filed = await host.SendAsync(HttpMethod.Post, "/api/v1/notifications", exporter.Token,
            new { notificationId = "nac-1", kind = "nac", number = "A100200", consigneeId = "lic-consignee", endUserId = "lic-consignee", destination = "AE", modelId = "nvidia-h20" });

        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        using (var body = System.Text.Json.JsonDocument.Parse(await filed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)))
        {
            Assert.Equal("nac-exporter", body.RootElement.GetProperty("exporterId").GetString());
            Assert.Equal(2368m, decimal.Round(body.RootElement.GetProperty("tpp").GetDecimal()));
        }
        var before = await world.EventCountAsync();
        foreach (var (json, code, status) in new[]
        {
            ("{\"notificationId\":\"nac-1\",\"kind\":\"nac\",\"number\":\"A100201\",\"consigneeId\":\"lic-consignee\",\"endUserId\":\"lic-consignee\",\"destination\":\"AE\",\"modelId\":\"nvidia-h20\"}", "notification_already_filed", 409),
            ("{\"notificationId\":\"nac-2\",\"kind\":\"nac\",\"number\":\"B12\",\"consigneeId\":\"lic-consignee\",\"endUserId\":\"lic-consignee\",\"destination\":\"AE\",\"modelId\":\"nvidia-h20\"}", "invalid_notification_number", 422),
            ("{\"notificationId\":\"nac-2\",\"kind\":\"xyz\",\"number\":\"A100202\",\"consigneeId\":\"lic-consignee\",\"endUserId\":\"lic-consignee\",\"destination\":\"AE\",\"modelId\":\"nvidia-h20\"}", "unknown_notification_kind", 422),
            ("{\"notificationId\":\"nac-2\",\"kind\":\"nac\",\"number\":\"A100202\",\"consigneeId\":\"lic-consignee\",\"endUserId\":\"lic-consignee\",\"destination\":\"AE\",\"modelId\":\"acme-x9\"}", "model_not_registered", 404),
            ("{\"notificationId\":\"nac-2\",\"kind\":\"nac\",\"number\":\"A100202\",\"consigneeId\":\"lic-consignee\",\"endUserId\":\"lic-consignee\",\"destination\":\"AE\",\"modelId\":\"nvidia-h20\",\"tpp\":1}", "unknown_field", 400),
        })
        {
            var response = await world.PostRawAsync(exporter.Token, "/api/v1/notifications", json);
            Assert.Equal((status, code), ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
        }
        Assert.Equal(before, await world.EventCountAsync());
    }
}
