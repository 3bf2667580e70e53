using ChipRegistry.Domain.Detection.Landmarks;
using NodaTime;

namespace ChipRegistry.Api.Landmarks;

public sealed record LandmarkResponse(string LandmarkId, string Name, decimal Latitude, decimal Longitude, string RegisteredBy, Instant RegisteredAt)
{
    public static LandmarkResponse From(Landmark landmark) =>
        new(landmark.Id, landmark.Name, landmark.Latitude, landmark.Longitude, landmark.RegisteredBy, landmark.RegisteredAt);

    public static readonly LandmarkResponse Example = new("lm-sin-equinix-sg1", "Equinix SG1 probe", 1.3286m, 103.8918m, "bis", Instant.FromUtc(2026, 12, 6, 9, 0));
}

public sealed record LandmarkPage(IReadOnlyList<LandmarkResponse> Landmarks, string? Next);
