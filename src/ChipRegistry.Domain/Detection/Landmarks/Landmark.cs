using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Detection.Landmarks;

/// <summary>
/// A point of known position that measures round-trip times to installed chips (rule 3): light in fibre covers about
/// 200 km per ms, so a chip answering in RTT ms is within RTT/2 x 200 km of it. Agencies register them.
/// </summary>
public sealed record LandmarkRegistered(string LandmarkId, string Name, decimal Latitude, decimal Longitude, string RecordedBy, Instant OccurredAt) : IDomainEvent;

public sealed record Landmark(string Id, string Name, decimal Latitude, decimal Longitude, string RegisteredBy, Instant RegisteredAt)
{
    public static Landmark? Evolve(Landmark? state, LandmarkRegistered e) => state is null
        ? new Landmark(e.LandmarkId, e.Name, e.Latitude, e.Longitude, e.RecordedBy, e.OccurredAt)
        : throw new InvalidOperationException($"landmark {state.Id} is registered once");
}

public sealed record RegisterLandmark(string LandmarkId, string Name, decimal Latitude, decimal Longitude, Actor Actor, Instant At);

/// <summary>The stable error codes of landmarks, each with its kind.</summary>
public static class LandmarkErrors
{
    public const string LandmarkAlreadyRegistered = "landmark_already_registered";
    public const string LandmarkNotRegistered = "landmark_not_registered";
    public const string InvalidCoordinates = "invalid_coordinates";
    public const string NotAgency = "not_agency";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [LandmarkAlreadyRegistered] = ErrorKind.Conflict,
        [LandmarkNotRegistered] = ErrorKind.NotFound,
        [InvalidCoordinates] = ErrorKind.Invalid,
        [NotAgency] = ErrorKind.Refused,
    };
}

public static class LandmarkDecisions
{
    public static Decision<LandmarkRegistered> Decide(RegisterLandmark c, Landmark? state)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Actor.Kind != OrganisationKind.Agency) return new DomainError(LandmarkErrors.NotAgency, "only an agency registers a landmark");
        if (state is not null) return new DomainError(LandmarkErrors.LandmarkAlreadyRegistered, $"landmark '{c.LandmarkId}' is already registered");
        if (Identifiers.ProblemWithNew(c.LandmarkId, "landmarkId") is { } idError) return idError;
        var name = FreeText.Name(c.Name, "name");
        if (name.Error is not null) return name.Error;
        if (c.Latitude is < -90m or > 90m || c.Longitude is < -180m or > 180m)
        {
            return new DomainError(LandmarkErrors.InvalidCoordinates, "latitude must be within ±90 and longitude within ±180");
        }
        return Decision<LandmarkRegistered>.Accept(new LandmarkRegistered(c.LandmarkId, name.Text!, c.Latitude, c.Longitude, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>The landmark handler and reads: one short stream per landmark.</summary>
public static class LandmarkCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterLandmark command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(command);
        return commands.RunEntityAsync(StreamKeys.Landmark(command.LandmarkId), StreamKeys.LandmarkType, () => LoadAsync(commands.Store, command.LandmarkId, cancellationToken),
            state => Task.FromResult(LandmarkDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
    }

    public static async Task<Loaded<Landmark>> LoadAsync(IEventStore store, string landmarkId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var aggregate = await store.AggregateStreamAsync<Landmark?>(StreamKeys.Landmark(landmarkId), null,
            (state, data) => data is LandmarkRegistered e ? Landmark.Evolve(state, e) : state, null, cancellationToken);
        return new Loaded<Landmark>(aggregate.State, aggregate.Version);
    }

    /// <summary>A page of landmarks in id order after <paramref name="afterId"/>, and whether more follow.</summary>
    public static async Task<(IReadOnlyList<Landmark> Page, bool More)> ListAsync(IEventStore store, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var keys = await store.ListStreamKeysAsync(StreamKeys.LandmarkType, afterId is null ? null : StreamKeys.Landmark(afterId), limit + 1, cancellationToken);
        var page = new List<Landmark>();
        foreach (var key in keys.Take(limit))
        {
            if ((await LoadAsync(store, key[(StreamKeys.LandmarkType.Length + 1)..], cancellationToken)).State is { } landmark) page.Add(landmark);
        }
        return (page, keys.Count > limit);
    }
}
