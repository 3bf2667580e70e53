using System.Text.Json;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Api.Projections;

/// <summary>
/// A projection rebuild as a resource. <c>eventsDone</c> and <c>eventsTotal</c> are global sequence numbers: how far
/// the replay has reached and the high-water mark it is heading for (holes count); <c>estimatedDoneAt</c>
/// extrapolates the replay's rate so far (null until it has replayed a batch, and once finished).
/// </summary>
public sealed record RebuildResponse(
    long RebuildId, string Projection, string Reason, string State, int Version, Instant RequestedAt, Instant? StartedAt, Instant? FinishedAt,
    long EventsDone, long EventsTotal, Instant? EstimatedDoneAt, long? Checkpoint, int? DeadLetters, string? Error, string Self)
{
    public static string Link(string projection, long rebuildId) => $"/api/v1/admin/projections/{projection}/rebuilds/{rebuildId}";

    public static RebuildResponse From(RebuildStatus r) => new(
        r.Id, r.Projection, Snake(r.Reason.ToString()), Snake(r.State.ToString()), r.Version, r.RequestedAt, r.StartedAt, r.FinishedAt,
        r.EventsDone, r.EventsTotal, r.EstimatedDoneAt, r.Checkpoint, r.DeadLetters, r.Error, Link(r.Projection, r.Id));

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    public static readonly RebuildResponse Example = new(
        7, "chip_placements", "requested", "running", 1, Instant.FromUtc(2026, 12, 6, 3, 0), Instant.FromUtc(2026, 12, 6, 3, 0, 1), null,
        420_000, 1_250_000, Instant.FromUtc(2026, 12, 6, 3, 2, 30), null, null, null, Link("chip_placements", 7));
}
