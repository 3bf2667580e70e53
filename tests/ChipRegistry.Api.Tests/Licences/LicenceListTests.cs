using System.Net;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Licences;

/// <summary>GET /api/v1/licences: the daemon's licence_list, filtered, paged, and kept to the licences naming the caller.</summary>
public sealed class LicenceListTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task GrantAsync(string agencyKey, string licenceId, string holderId, string consigneeId, string destination, string modelId, string validFrom, string validUntil)
    {
        var granted = await host.SendAsync(HttpMethod.Post, "/api/v1/licences", agencyKey, new
        {
            licenceId, number = "D3000001", holderId, consigneeId, endUserId = consigneeId, destination, modelIds = new[] { modelId }, quantity = 10, validFrom, validUntil,
        });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
    }

    private async Task<string[]> IdsAsync(string key, string query)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(key, $"/api/v1/licences?limit=2&{query}{(cursor is null ? "" : $"&cursor={cursor}")}");
            ids.AddRange(page.RootElement.GetProperty("licences").EnumerateArray().Select(l => l.GetProperty("licenceId").GetString()!));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);
        return [.. ids];
    }

    [Fact]
    public async Task parties_list_the_licences_naming_them_and_agencies_filter_by_holder_status_model_and_destination()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var agency = await host.OrganisationKeyAsync($"ll-agency-{run}", OrganisationKind.Agency);
        var holder = await host.OrganisationKeyAsync($"ll-holder-{run}", OrganisationKind.Distributor);
        var consignee = await host.OrganisationKeyAsync($"ll-consignee-{run}", OrganisationKind.Operator, "AE");
        var other = await host.OrganisationKeyAsync($"ll-other-{run}", OrganisationKind.Distributor);
        var stranger = await host.OrganisationKeyAsync($"ll-stranger-{run}", OrganisationKind.Distributor);
        string Id(string name) => $"ll-{run}-{name}";
        await GrantAsync(agency.Token, Id("active"), holder.OrganisationId, consignee.OrganisationId, "AE", "nvidia-h100-sxm", "2020-01-01", "2099-12-31");
        await GrantAsync(agency.Token, Id("expired"), holder.OrganisationId, consignee.OrganisationId, "AE", "nvidia-h20", "2020-01-01", "2020-12-31");
        await GrantAsync(agency.Token, Id("pending"), holder.OrganisationId, consignee.OrganisationId, "MY", "nvidia-h100-sxm", "2099-01-01", "2099-12-31");
        await GrantAsync(agency.Token, Id("revoked"), holder.OrganisationId, consignee.OrganisationId, "AE", "nvidia-h100-sxm", "2020-01-01", "2099-12-31");
        await GrantAsync(agency.Token, Id("theirs"), other.OrganisationId, other.OrganisationId, "AE", "nvidia-h100-sxm", "2020-01-01", "2099-12-31");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, $"/api/v1/licences/{Id("revoked")}/revoke", agency.Token,
            new { reason = "diversion", effectiveFrom = "2021-06-01" })).StatusCode);
        await host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(Cancel);

        string[] holders = [Id("active"), Id("expired"), Id("pending"), Id("revoked")];
        Assert.Equal(holders, await IdsAsync(holder.Token, ""));
        Assert.Equal(holders, await IdsAsync(consignee.Token, ""));
        Assert.Equal([Id("theirs")], await IdsAsync(other.Token, ""));
        Assert.Empty(await IdsAsync(stranger.Token, $"holder={holder.OrganisationId}"));

        var agencyOnly = $"holder={holder.OrganisationId}";
        Assert.Equal(holders, await IdsAsync(agency.Token, agencyOnly));
        Assert.Equal([Id("active")], await IdsAsync(agency.Token, $"{agencyOnly}&status=active"));
        Assert.Equal([Id("expired")], await IdsAsync(agency.Token, $"{agencyOnly}&status=expired"));
        Assert.Equal([Id("pending")], await IdsAsync(agency.Token, $"{agencyOnly}&status=pending"));
        Assert.Equal([Id("revoked")], await IdsAsync(ApiFixture.AdminKey, $"{agencyOnly}&status=revoked"));
        Assert.Equal([Id("expired")], await IdsAsync(agency.Token, $"{agencyOnly}&model=nvidia-h20"));
        Assert.Equal([Id("pending")], await IdsAsync(agency.Token, $"{agencyOnly}&destination=MY"));

        using var list = await host.GetJsonAsync(holder.Token, $"/api/v1/licences?status=revoked");
        using var single = await host.GetJsonAsync(holder.Token, $"/api/v1/licences/{Id("revoked")}");
        Assert.Equal(single.RootElement.GetRawText(), list.RootElement.GetProperty("licences").EnumerateArray().Single().GetRawText());
    }

    [Theory]
    [InlineData("status=lapsed", "invalid_status")]
    [InlineData("destination=my", "invalid_country")]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("cursor=%21%21%21", "invalid_cursor")]
    [InlineData("holder=", "invalid_filter")]
    public async Task bad_list_parameters_are_400_with_their_code(string query, string code)
    {
        var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/licences?{query}", ApiFixture.AdminKey);
        Assert.Equal((HttpStatusCode.BadRequest, code), (response.StatusCode, await ApiFixture.ProblemCodeAsync(response)));
    }
}
