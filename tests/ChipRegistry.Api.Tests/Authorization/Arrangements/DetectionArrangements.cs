namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// Thresholds and landmarks: a threshold change names a real threshold and takes effect in the future (never before
/// the latest tick); a landmark read names a landmark an agency registered; a registration a fresh id. Only the role
/// decides the answer.
/// </summary>
public sealed class DetectionArrangements(ApiFixture host) : IMatrixArrangement
{
    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/detection/thresholds/{name}",
        "POST /api/v1/landmarks",
        "GET /api/v1/landmarks/{landmarkId}",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        switch (endpoint)
        {
            case "POST /api/v1/detection/thresholds/{name}":
                return new ArrangedCall("/api/v1/detection/thresholds/idle_days", new { value = "60", effectiveFrom = "2030-01-01T00:00:00Z", reason = "matrix" });
            case "POST /api/v1/landmarks":
                return new ArrangedCall("/api/v1/landmarks", new { landmarkId = RegistryWorld.FreshId("lm"), name = "Matrix probe", latitude = 1.3m, longitude = 103.8m });
            default:
                var landmarkId = RegistryWorld.FreshId("lm");
                await new RegistryWorld(host).PostAsync(await new RegistryWorld(host).AgencyAsync(), "/api/v1/landmarks",
                    new { landmarkId, name = "Matrix probe", latitude = 1.3m, longitude = 103.8m });
                return new ArrangedCall($"/api/v1/landmarks/{landmarkId}");
        }
    }
}
