using System.Net;
using System.Net.Http.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Organisations;

public sealed class OrganisationEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private const string Admin = ApiFixture.AdminKey;
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task the_admin_registers_an_organisation_and_issues_it_a_key_that_carries_its_kind()
    {
        var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations", Admin,
            new { organisationId = "dist-sg", name = "Lion City Components Pte", kind = "distributor", country = "SG", foundedOn = "2012-07-01" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal("/api/v1/organisations/dist-sg", registered.Headers.Location?.OriginalString);

        var unasked = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = "dist-sg", label = "sales desk" });
        Assert.Equal(HttpStatusCode.Created, unasked.StatusCode);
        var key = (await unasked.Content.ReadFromJsonAsync<IssuedKeyResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal("distributor", key.Role);

        using var read = await host.GetJsonAsync(key.Token, "/api/v1/organisations/dist-sg");
        Assert.Equal("Lion City Components Pte", read.RootElement.GetProperty("name").GetString());
        Assert.Equal("distributor", read.RootElement.GetProperty("kind").GetString());
        Assert.Equal("SG", read.RootElement.GetProperty("country").GetString());
        Assert.Equal("2012-07-01", read.RootElement.GetProperty("foundedOn").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.RootElement.GetProperty("parentId").ValueKind);
    }

    [Fact]
    public async Task a_key_for_an_unregistered_organisation_is_404_and_a_role_other_than_its_kind_is_422_and_neither_writes()
    {
        await host.RegisterOrganisationAsync("op-keys", OrganisationKind.Operator);
        var before = await world.EventCountAsync();

        var unregistered = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = "nobody-ltd", role = "operator", label = "x" });
        var mismatch = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = "op-keys", role = "manufacturer", label = "x" });
        var adminForCompany = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = "op-keys", role = "admin", label = "x" });

        Assert.Equal(HttpStatusCode.NotFound, unregistered.StatusCode);
        Assert.Equal("organisation_not_registered", await ApiFixture.ProblemCodeAsync(unregistered));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Equal("role_mismatch", await ApiFixture.ProblemCodeAsync(mismatch));
        Assert.Equal("role_mismatch", await ApiFixture.ProblemCodeAsync(adminForCompany));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task keys_for_the_built_in_registry_organisation_carry_the_admin_role()
    {
        var issued = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = BuiltInOrganisations.RegistryId, label = "second admin" });
        var asOperator = await host.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", Admin, new { organisationId = BuiltInOrganisations.RegistryId, role = "operator", label = "x" });

        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var key = (await issued.Content.ReadFromJsonAsync<IssuedKeyResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal(ApiKeys.AdminRole, key.Role);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, "/api/v1/admin/keys", key.Token)).StatusCode);
        Assert.Equal("role_mismatch", await ApiFixture.ProblemCodeAsync(asOperator));
    }

    [Fact]
    public async Task organisations_are_listed_in_id_order_a_page_at_a_time_with_a_cursor()
    {
        foreach (var id in new[] { "page-c", "page-a", "page-b", "page-d" })
        {
            await host.RegisterOrganisationAsync(id, OrganisationKind.Forwarder, "NL");
        }
        var reader = await host.OrganisationKeyAsync("page-reader", OrganisationKind.EndUser);

        var seen = new List<string>();
        string? cursor = "page-";
        var pages = 0;
        do
        {
            using var page = await host.GetJsonAsync(reader.Token, $"/api/v1/organisations?limit=2&cursor={cursor}");
            seen.AddRange(page.RootElement.GetProperty("organisations").EnumerateArray().Select(o => o.GetProperty("organisationId").GetString()!));
            cursor = page.RootElement.GetProperty("next").GetString();
            pages++;
        }
        while (cursor is not null && cursor.StartsWith("page-", StringComparison.Ordinal) && pages < 10);

        Assert.Equal(["page-a", "page-b", "page-c", "page-d", "page-reader"], seen.Where(id => id.StartsWith("page-", StringComparison.Ordinal)));
        var outOfRange = await host.SendAsync(HttpMethod.Get, "/api/v1/organisations?limit=0", reader.Token);
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        Assert.Equal("invalid_page", await ApiFixture.ProblemCodeAsync(outOfRange));
    }

    [Fact]
    public async Task an_agency_records_a_parent_change_from_a_date_and_the_organisation_shows_its_history()
    {
        await host.RegisterOrganisationAsync("holdco", OrganisationKind.Distributor, "KY");
        await host.RegisterOrganisationAsync("subsidiary", OrganisationKind.Distributor, "SG");
        var agency = await host.OrganisationKeyAsync("agency-parents", OrganisationKind.Agency);

        var changed = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations/subsidiary/parent", agency.Token, new { parentId = "holdco", effectiveFrom = "2024-03-01" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using var read = await host.GetJsonAsync(agency.Token, "/api/v1/organisations/subsidiary");
        Assert.Equal("holdco", read.RootElement.GetProperty("parentId").GetString());
        var link = Assert.Single(read.RootElement.GetProperty("parents").EnumerateArray());
        Assert.Equal("2024-03-01", link.GetProperty("effectiveFrom").GetString());

        var before = await world.EventCountAsync();
        var cycle = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations/holdco/parent", Admin, new { parentId = "subsidiary", effectiveFrom = "2024-06-01" });
        var unknownParent = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations/holdco/parent", Admin, new { parentId = "ghost-holdings", effectiveFrom = "2024-06-01" });
        var unknownChild = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations/ghost-sub/parent", Admin, new { parentId = "holdco", effectiveFrom = "2024-06-01" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "parent_cycle"), (cycle.StatusCode, await ApiFixture.ProblemCodeAsync(cycle)));
        Assert.Equal((HttpStatusCode.NotFound, "parent_not_registered"), (unknownParent.StatusCode, await ApiFixture.ProblemCodeAsync(unknownParent)));
        Assert.Equal((HttpStatusCode.NotFound, "organisation_not_registered"), (unknownChild.StatusCode, await ApiFixture.ProblemCodeAsync(unknownChild)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Theory]
    [InlineData("{\"organisationId\":\"bad-1\",", "malformed_json", 400)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\",\"taxId\":\"x\"}", "unknown_field", 400)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":20200101}", "wrong_type", 400)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\"}", "missing_field", 400)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"emperor\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\"}", "unknown_kind", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"admin\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\"}", "unknown_kind", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"USA\",\"foundedOn\":\"2020-01-01\"}", "invalid_country", 422)]
    [InlineData("{\"organisationId\":\"bad/1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\"}", "invalid_organisation", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\" \",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\"}", "invalid_organisation", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"0001-01-01\"}", "date_out_of_range", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\",\"occurredAt\":\"1999-01-01T00:00:00Z\"}", "business_time_out_of_range", 422)]
    [InlineData("{\"organisationId\":\"bad-1\",\"name\":\"n\",\"kind\":\"operator\",\"country\":\"US\",\"foundedOn\":\"2020-01-01\",\"occurredAt\":\"2999-01-01T00:00:00Z\"}", "business_time_out_of_range", 422)]
    public async Task bad_registrations_get_their_code_and_write_nothing(string json, string code, int status)
    {
        var before = await world.EventCountAsync();

        var response = await world.PostRawAsync(Admin, "/api/v1/organisations", json);

        Assert.Equal((status, code), ((int)response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
        Assert.Equal(before, await world.EventCountAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/organisations/bad-1", Admin)).StatusCode);
    }

    [Fact]
    public async Task a_second_registration_of_the_same_id_is_409_and_an_injection_string_is_kept_as_plain_data()
    {
        const string name = "Robert'); drop table chipregistry.events; --";
        var first = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations", Admin, new { organisationId = "bobby-tables", name, kind = "end_user", country = "US", foundedOn = "2015-05-05" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var before = await world.EventCountAsync();

        var again = await host.SendAsync(HttpMethod.Post, "/api/v1/organisations", Admin, new { organisationId = "bobby-tables", name = "other", kind = "end_user", country = "US", foundedOn = "2015-05-05" });

        Assert.Equal((HttpStatusCode.Conflict, "organisation_already_registered"), (again.StatusCode, await ApiFixture.ProblemCodeAsync(again)));
        Assert.Equal(before, await world.EventCountAsync());
        using var read = await host.GetJsonAsync(Admin, "/api/v1/organisations/bobby-tables");
        Assert.Equal(name, read.RootElement.GetProperty("name").GetString());
    }
}
