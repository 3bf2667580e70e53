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

public sealed record Cluster(string ClusterId, string Name);

/// <summary>A data center (or any site where chips are installed), run by one operator.</summary>
public sealed record Facility(
    string Id, string OperatorId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw,
    IReadOnlyList<Cluster> Clusters)
{
    public bool Equals(Facility? other) =>
        other is not null
        && (Id, OperatorId, Name, Country, Latitude, Longitude, DeclaredPowerMw)
            == (other.Id, other.OperatorId, other.Name, other.Country, other.Latitude, other.Longitude, other.DeclaredPowerMw)
        && Clusters.SequenceEqual(other.Clusters);

    public override int GetHashCode() => HashCode.Combine(Id, OperatorId, Clusters.Count);

    public bool HasCluster(string clusterId) => Clusters.Any(c => c.ClusterId == clusterId);

    public static Facility? Evolve(Facility? state, IFacilityEvent e) => e switch
    {
        FacilityRegistered r => new Facility(r.FacilityId, r.OperatorId, r.Name, r.Country, r.Latitude, r.Longitude, r.DeclaredPowerMw, []),
        FacilityPowerDeclared p when state is not null => state with { DeclaredPowerMw = p.DeclaredPowerMw },
        ClusterRegistered c when state is not null => state with { Clusters = [.. state.Clusters, new Cluster(c.ClusterId, c.Name)] },
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an unregistered facility" : state.Id)}"),
    };

    public static Facility? Fold(IEnumerable<IFacilityEvent> events) => events.Aggregate((Facility?)null, Evolve);
}

public sealed record RegisterFacility(
    string FacilityId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw, Actor Actor, Instant At);

public sealed record DeclareFacilityPower(string FacilityId, decimal DeclaredPowerMw, Actor Actor, Instant At);

public sealed record RegisterCluster(string FacilityId, string ClusterId, string Name, Actor Actor, Instant At);

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

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterCluster command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => commands.Reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
}
