using System.Net;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Landmarks;

public sealed class LandmarkEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task an_agency_registers_landmarks_and_operators_agencies_and_the_registry_read_them()
    {
        var agency = await host.OrganisationKeyAsync("landmarks-agency", OrganisationKind.Agency);
        var op = await host.OrganisationKeyAsync("landmarks-operator", OrganisationKind.Operator);
        var ids = new[] { "lm-a-" + Guid.NewGuid().ToString("N")[..8], "lm-b-" + Guid.NewGuid().ToString("N")[..8], "lm-c-" + Guid.NewGuid().ToString("N")[..8] };
        foreach (var id in ids)
        {
            var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/landmarks", agency.Token, new { landmarkId = id, name = $"Probe {id}", latitude = 1.3286m, longitude = 103.8918m });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        foreach (var reader in new[] { op.Token, agency.Token, ApiFixture.AdminKey })
        {
            using var one = await host.GetJsonAsync(reader, $"/api/v1/landmarks/{ids[1]}");
            Assert.Equal((ids[1], 1.3286m, 103.8918m, "landmarks-agency"), (one.RootElement.GetProperty("landmarkId").GetString(),
                one.RootElement.GetProperty("latitude").GetDecimal(), one.RootElement.GetProperty("longitude").GetDecimal(), one.RootElement.GetProperty("registeredBy").GetString()));
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            using var page = await host.GetJsonAsync(op.Token, "/api/v1/landmarks?limit=1" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.RootElement.GetProperty("landmarks").EnumerateArray().Select(l => l.GetProperty("landmarkId").GetString()!));
            cursor = page.RootElement.GetProperty("next").GetString();
        }
        while (cursor is not null);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Where(ids.Contains));
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
    }

    [Theory]
    [InlineData("{\"landmarkId\":\"lm-dup\",\"name\":\"n\",\"latitude\":0,\"longitude\":0}", 409, "landmark_already_registered")]
    [InlineData("{\"landmarkId\":\"lm-north\",\"name\":\"n\",\"latitude\":90.0001,\"longitude\":0}", 422, "invalid_coordinates")]
    [InlineData("{\"landmarkId\":\"lm-east\",\"name\":\"n\",\"latitude\":0,\"longitude\":-180.5}", 422, "invalid_coordinates")]
    [InlineData("{\"landmarkId\":\"lm/slash\",\"name\":\"n\",\"latitude\":0,\"longitude\":0}", 422, "invalid_landmark")]
    [InlineData("{\"landmarkId\":\"lm bad\",\"name\":\"n\",\"latitude\":0,\"longitude\":0}", 422, "invalid_id")]
    [InlineData("{\"landmarkId\":\"lm-noname\",\"name\":\" \",\"latitude\":0,\"longitude\":0}", 422, "invalid_text")]
    [InlineData("{\"landmarkId\":\"lm-type\",\"name\":\"n\",\"latitude\":\"north\",\"longitude\":0}", 400, "wrong_type")]
    public async Task a_bad_landmark_is_refused_with_its_code_and_changes_nothing(string body, int status, string code)
    {
        var agency = await host.OrganisationKeyAsync("landmarks-agency", OrganisationKind.Agency);
        await host.SendAsync(HttpMethod.Post, "/api/v1/landmarks", agency.Token, new { landmarkId = "lm-dup", name = "First", latitude = 0m, longitude = 0m });
        var before = await world.EventCountAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/landmarks") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", agency.Token);
        var refused = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal((status, code), ((int)refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task an_unknown_landmark_is_404()
    {
        var unknown = await host.SendAsync(HttpMethod.Get, "/api/v1/landmarks/lm-nowhere", ApiFixture.AdminKey);
        Assert.Equal((HttpStatusCode.NotFound, "landmark_not_registered"), (unknown.StatusCode, await ApiFixture.ProblemCodeAsync(unknown)));
    }
}
