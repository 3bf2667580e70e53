using System.Net;
using NodaTime;

namespace ChipRegistry.Api.Tests.Attestations;

/// <summary>Whether the landmark measured an attestation's round trip itself, or the operator reports it (rule 3's "self-reported").</summary>
public sealed class RoundTripSourceTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly AttestationWorld world = new(host);

    [Fact]
    public async Task an_attestation_says_whether_the_landmark_measured_its_round_trip_and_is_self_reported_otherwise()
    {
        var token = await world.OperatorKeyAsync("op-rtt-source");
        await world.FacilityAsync("op-rtt-source", "fac-rtt-source", "c1");
        await world.InstallAsync("fac-rtt-source", "c1", "rtts:1", "rtts:2");
        var at = SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(1);

        var measured = await host.SendAsync(HttpMethod.Post, "/api/v1/chips/rtts:1/attestations", token,
            new { facilityId = "fac-rtt-source", method = "rtt", occurredAt = at.ToDateTimeOffset(), roundTripMs = 1.5m, landmarkId = "lm-1", measuredByLandmark = true });
        var reported = await host.SendAsync(HttpMethod.Post, "/api/v1/chips/rtts:2/attestations", token,
            new { facilityId = "fac-rtt-source", method = "rtt", occurredAt = at.ToDateTimeOffset(), roundTripMs = 1.5m, landmarkId = "lm-1" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (measured.StatusCode, reported.StatusCode));
        Assert.True(Assert.Single(await world.AttestationsAsync("rtts:1")).MeasuredByLandmark);
        Assert.False(Assert.Single(await world.AttestationsAsync("rtts:2")).MeasuredByLandmark);
        using var first = await host.GetJsonAsync(token, "/api/v1/chips/rtts:1");
        using var second = await host.GetJsonAsync(token, "/api/v1/chips/rtts:2");
        Assert.Equal("landmark", first.RootElement.GetProperty("lastAttestation").GetProperty("roundTripSource").GetString());
        Assert.Equal("self_reported", second.RootElement.GetProperty("lastAttestation").GetProperty("roundTripSource").GetString());
    }

    [Fact]
    public async Task a_round_trip_measured_by_a_landmark_names_the_landmark_and_the_time()
    {
        var token = await world.OperatorKeyAsync("op-rtt-bad");
        await world.FacilityAsync("op-rtt-bad", "fac-rtt-bad", "c1");
        await world.InstallAsync("fac-rtt-bad", "c1", "rttb:1");

        var noLandmark = await host.SendAsync(HttpMethod.Post, "/api/v1/chips/rttb:1/attestations", token,
            new { facilityId = "fac-rtt-bad", method = "rtt", roundTripMs = 1.5m, measuredByLandmark = true });
        var noTime = await host.SendAsync(HttpMethod.Post, "/api/v1/chips/rttb:1/attestations", token,
            new { facilityId = "fac-rtt-bad", method = "rtt", landmarkId = "lm-1", measuredByLandmark = true });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_round_trip"), (noLandmark.StatusCode, await ApiFixture.ProblemCodeAsync(noLandmark)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_round_trip"), (noTime.StatusCode, await ApiFixture.ProblemCodeAsync(noTime)));
        Assert.Empty(await world.AttestationsAsync("rttb:1"));
    }
}
