using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Facilities;

public interface IFacilityEvent : IDomainEvent
{
    string FacilityId { get; }
}

public sealed record FacilityRegistered(
    string FacilityId, string OperatorId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw,
    string RecordedBy, Instant OccurredAt) : IFacilityEvent;

public sealed record FacilityPowerDeclared(string FacilityId, decimal DeclaredPowerMw, string RecordedBy, Instant OccurredAt) : IFacilityEvent;

public sealed record ClusterRegistered(string FacilityId, string ClusterId, string Name, string RecordedBy, Instant OccurredAt) : IFacilityEvent;

/// <summary>
/// From the start (UTC) of <see cref="EffectiveFrom"/> on, the facility is run by <see cref="OperatorId"/>: a hand-over,
/// possibly recorded late. The chips installed there stay where they are; who runs them changes.
/// </summary>
public sealed record FacilityOperatorChanged(string FacilityId, string OperatorId, LocalDate EffectiveFrom, string RecordedBy, Instant OccurredAt) : IFacilityEvent;

/// <summary>One effective-dated operator link: from <see cref="From"/> on, the facility is run by <see cref="OperatorId"/>.</summary>
public sealed record OperatorLink(LocalDate From, string OperatorId);

public sealed record Cluster(string ClusterId, string Name);

/// <summary>A data center (or any site where chips are installed), run by one operator.</summary>
public sealed record Facility(
    string Id, string OperatorId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw,
    IReadOnlyList<Cluster> Clusters)
{
    /// <summary>The operator changes recorded so far, in effective order (ties: the later record last); empty: the registrant runs it.</summary>
    public IReadOnlyList<OperatorLink> OperatorHistory { get; init; } = [];

    /// <summary>The operator that registered the facility and ran it until the first hand-over (null: not folded from a registration).</summary>
    public string? RegisteredBy { get; init; }

    /// <summary>When the facility was registered (business time; null: not folded from a registration).</summary>
    public Instant? RegisteredAt { get; init; }

    public bool Equals(Facility? other) =>
        other is not null
        && (Id, OperatorId, Name, Country, Latitude, Longitude, DeclaredPowerMw)
            == (other.Id, other.OperatorId, other.Name, other.Country, other.Latitude, other.Longitude, other.DeclaredPowerMw)
        && Clusters.SequenceEqual(other.Clusters)
        && OperatorHistory.SequenceEqual(other.OperatorHistory)
        && (RegisteredBy, RegisteredAt) == (other.RegisteredBy, other.RegisteredAt);

    public override int GetHashCode() => HashCode.Combine(Id, OperatorId, Clusters.Count);

    public bool HasCluster(string clusterId) => Clusters.Any(c => c.ClusterId == clusterId);

    public static Facility? Evolve(Facility? state, IFacilityEvent e) => e switch
    {
        FacilityRegistered r => new Facility(r.FacilityId, r.OperatorId, r.Name, r.Country, r.Latitude, r.Longitude, r.DeclaredPowerMw, [])
        {
            RegisteredBy = r.OperatorId,
            RegisteredAt = r.OccurredAt,
        },
        FacilityPowerDeclared p when state is not null => state with { DeclaredPowerMw = p.DeclaredPowerMw },
        ClusterRegistered c when state is not null => state with { Clusters = [.. state.Clusters, new Cluster(c.ClusterId, c.Name)] },
        FacilityOperatorChanged o when state is not null => WithOperatorLink(state, new OperatorLink(o.EffectiveFrom, o.OperatorId)),
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an unregistered facility" : state.Id)}"),
    };

    public static Facility? Fold(IEnumerable<IFacilityEvent> events) => events.Aggregate((Facility?)null, Evolve);

    /// <summary>
    /// The link joins the history in effective order; the facility's operator is the latest link's (no link is dated
    /// after the day it was recorded, so the latest one is in force), and a late, earlier-dated link changes only the past.
    /// </summary>
    private static Facility WithOperatorLink(Facility state, OperatorLink link)
    {
        List<OperatorLink> history = [.. state.OperatorHistory.Append(link).OrderBy(l => l.From)];
        return state with { OperatorHistory = history, OperatorId = history[^1].OperatorId };
    }
}

public sealed record RegisterFacility(
    string FacilityId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw, Actor Actor, Instant At);

public sealed record DeclareFacilityPower(string FacilityId, decimal DeclaredPowerMw, Actor Actor, Instant At);

public sealed record RegisterCluster(string FacilityId, string ClusterId, string Name, Actor Actor, Instant At);

/// <summary>Hand the facility over to <see cref="OperatorId"/> from <see cref="EffectiveFrom"/> on; <see cref="NewOperator"/> is that organisation as registered (null: unknown).</summary>
public sealed record ChangeFacilityOperator(string FacilityId, string OperatorId, LocalDate EffectiveFrom, Organisation? NewOperator, Actor Actor, Instant At);

public static class FacilityDecisions
{
    /// <summary>The registering operator becomes the facility's operator.</summary>
    public static Decision<IFacilityEvent> Decide(RegisterFacility c, Facility? state)
    {
        if (c.Actor.Kind != OrganisationKind.Operator) return new DomainError(FacilityErrors.NotOperator, "only an operator registers a facility");
        if (state is not null) return new DomainError(FacilityErrors.FacilityAlreadyRegistered, $"facility '{c.FacilityId}' is already registered");
        if (Identifiers.ProblemWithNew(c.FacilityId, "facilityId") is { } idError) return idError;
        var name = FreeText.Name(c.Name, "name");
        if (name.Error is not null) return name.Error;
        if (Countries.Problem(c.Country, "country") is { } countryError) return countryError;
        if (c.Latitude is < -90m or > 90m || c.Longitude is < -180m or > 180m) return new DomainError(FacilityErrors.InvalidCoordinates, "latitude must be within ±90 and longitude within ±180");
        if (c.DeclaredPowerMw <= 0m) return new DomainError(FacilityErrors.InvalidPower, "declared power must be positive");
        return Decision<IFacilityEvent>.Accept(new FacilityRegistered(c.FacilityId, c.Actor.OrganisationId, name.Text!, c.Country, c.Latitude, c.Longitude, c.DeclaredPowerMw, c.Actor.OrganisationId, c.At));
    }

    public static Decision<IFacilityEvent> Decide(DeclareFacilityPower c, Facility? state)
    {
        if (state is null) return new DomainError(FacilityErrors.FacilityNotRegistered, $"facility '{c.FacilityId}' is not registered");
        if (c.Actor.OrganisationId != state.OperatorId) return new DomainError(FacilityErrors.NotFacilityOperator, "only the facility's operator declares its power");
        if (c.DeclaredPowerMw <= 0m) return new DomainError(FacilityErrors.InvalidPower, "declared power must be positive");
        return Decision<IFacilityEvent>.Accept(new FacilityPowerDeclared(state.Id, c.DeclaredPowerMw, c.Actor.OrganisationId, c.At));
    }

    public static Decision<IFacilityEvent> Decide(RegisterCluster c, Facility? state)
    {
        if (state is null) return new DomainError(FacilityErrors.FacilityNotRegistered, $"facility '{c.FacilityId}' is not registered");
        if (c.Actor.OrganisationId != state.OperatorId) return new DomainError(FacilityErrors.NotFacilityOperator, "only the facility's operator registers clusters");
        if (state.HasCluster(c.ClusterId)) return new DomainError(FacilityErrors.ClusterAlreadyRegistered, $"cluster '{c.ClusterId}' already exists");
        if (Identifiers.ProblemWithNew(c.ClusterId, "clusterId") is { } idError) return idError;
        var name = FreeText.Name(c.Name, "name");
        if (name.Error is not null) return name.Error;
        return Decision<IFacilityEvent>.Accept(new ClusterRegistered(state.Id, c.ClusterId, name.Text!, c.Actor.OrganisationId, c.At));
    }

    /// <summary>
    /// The operator in charge hands its facility over, or an agency or the registry records a hand-over (a sale the
    /// parties did not report, a court order). The new operator is a registered operator; the date is neither before
    /// the facility's registration nor after the day the change is recorded (a future hand-over is recorded when it happens).
    /// </summary>
    public static Decision<IFacilityEvent> Decide(ChangeFacilityOperator c, Facility? state)
    {
        if (state is null) return new DomainError(FacilityErrors.FacilityNotRegistered, $"facility '{c.FacilityId}' is not registered");
        var permitted = c.Actor.OrganisationId == state.OperatorId || c.Actor.Kind is OrganisationKind.Registry or OrganisationKind.Agency;
        if (!permitted) return new DomainError(FacilityErrors.NotFacilityOperator, "only the facility's operator, an agency or the registry records a change of operator");
        if (c.NewOperator is null) return new DomainError(FacilityErrors.OperatorNotRegistered, $"organisation '{c.OperatorId}' is not registered");
        if (c.NewOperator.Kind != OrganisationKind.Operator) return new DomainError(FacilityErrors.NotAnOperator, $"organisation '{c.OperatorId}' is not an operator");
        var recordedOn = c.At.InUtc().Date;
        var registeredOn = state.RegisteredAt?.InUtc().Date ?? LocalDate.MinIsoValue;
        if (c.EffectiveFrom < registeredOn || c.EffectiveFrom > recordedOn)
        {
            return new DomainError(FacilityErrors.InvalidEffectiveDate, $"effectiveFrom must be between the facility's registration ({registeredOn:yyyy-MM-dd}) and today ({recordedOn:yyyy-MM-dd})");
        }
        var inForce = state.OperatorHistory.LastOrDefault(l => l.From <= c.EffectiveFrom)?.OperatorId ?? FirstOperator(state);
        if (inForce == c.OperatorId) return new DomainError(FacilityErrors.OperatorUnchanged, $"'{c.OperatorId}' already runs the facility on {c.EffectiveFrom:yyyy-MM-dd}");
        return Decision<IFacilityEvent>.Accept(new FacilityOperatorChanged(state.Id, c.OperatorId, c.EffectiveFrom, c.Actor.OrganisationId, c.At));
    }

    /// <summary>The registering operator, who runs the facility until the first hand-over.</summary>
    private static string FirstOperator(Facility state) => state.RegisteredBy ?? state.OperatorId;
}

/// <summary>The facility use cases' handlers: fold the facility's stream, decide, append.</summary>
public static class FacilityCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterFacility command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => commands.Reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, DeclareFacilityPower command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => commands.Reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ChangeFacilityOperator command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => commands.Reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterCluster command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => commands.Reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
}
