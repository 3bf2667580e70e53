using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Licences;

public interface ILicenceEvent : IDomainEvent
{
    string LicenceId { get; }
}

/// <summary>An agency granted an export licence for up to <see cref="Quantity"/> chips of the listed models.</summary>
public sealed record LicenceGranted(
    string LicenceId, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, LocalDate ValidFrom, LocalDate ValidUntil,
    string RecordedBy, Instant OccurredAt) : ILicenceEvent
{
    public bool Equals(LicenceGranted? other) =>
        other is not null
        && (LicenceId, Number, HolderId, ConsigneeId, EndUserId, Destination, Quantity, ValidFrom, ValidUntil, RecordedBy, OccurredAt)
            == (other.LicenceId, other.Number, other.HolderId, other.ConsigneeId, other.EndUserId, other.Destination, other.Quantity, other.ValidFrom, other.ValidUntil, other.RecordedBy, other.OccurredAt)
        && ModelIds.SequenceEqual(other.ModelIds);

    public override int GetHashCode() => HashCode.Combine(LicenceId, Number, Quantity);
}


/// <summary>An agency revoked the licence from <see cref="EffectiveFrom"/> on.</summary>
public sealed record LicenceRevoked(string LicenceId, string Reason, LocalDate EffectiveFrom, string RecordedBy, Instant OccurredAt) : ILicenceEvent;

public sealed record Revocation(string Reason, LocalDate EffectiveFrom, string AgencyId);

public sealed record Licence(
    string Id, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, LocalDate ValidFrom, LocalDate ValidUntil, string GrantedBy, Revocation? Revocation)
{
    public bool Equals(Licence? other) =>
        other is not null
        && (Id, Number, HolderId, ConsigneeId, EndUserId, Destination, Quantity, ValidFrom, ValidUntil, GrantedBy, Revocation)
            == (other.Id, other.Number, other.HolderId, other.ConsigneeId, other.EndUserId, other.Destination, other.Quantity, other.ValidFrom, other.ValidUntil, other.GrantedBy, other.Revocation)
        && ModelIds.SequenceEqual(other.ModelIds);

    public override int GetHashCode() => HashCode.Combine(Id, Number, Quantity);

    public bool CoversModel(string modelId) => ModelIds.Contains(modelId);

    public bool ValidOn(LocalDate date) => date >= ValidFrom && date <= ValidUntil;

    public bool RevokedOn(LocalDate date) => Revocation is not null && Revocation.EffectiveFrom <= date;

    public static Licence? Evolve(Licence? state, ILicenceEvent e) => e switch
    {
        LicenceGranted g => new Licence(g.LicenceId, g.Number, g.HolderId, g.ConsigneeId, g.EndUserId, g.Destination, g.ModelIds, g.Quantity, g.ValidFrom, g.ValidUntil, g.RecordedBy, null),
        LicenceRevoked r when state is not null => state with { Revocation = new Revocation(r.Reason, r.EffectiveFrom, r.RecordedBy) },
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an ungranted licence" : state.Id)}"),
    };

    public static Licence? Fold(IEnumerable<ILicenceEvent> events) => events.Aggregate((Licence?)null, Evolve);
}

public sealed record GrantLicence(
    string LicenceId, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, LocalDate ValidFrom, LocalDate ValidUntil, Actor Actor, Instant At);

public sealed record RevokeLicence(string LicenceId, string Reason, LocalDate EffectiveFrom, Actor Actor, Instant At);

public static class LicenceDecisions
{
    public static Decision<ILicenceEvent> Decide(GrantLicence c, Licence? state)
    {
        if (!c.Actor.IsAgency) return new DomainError(LicenceErrors.NotAgency, "only an agency grants licences");
        if (state is not null) return new DomainError(LicenceErrors.LicenceAlreadyGranted, $"licence '{c.LicenceId}' already exists");
        if (Identifiers.ProblemWithNew(c.LicenceId, "licenceId") is { } idError) return idError;
        if (string.IsNullOrWhiteSpace(c.Number)) return new DomainError(LicenceErrors.InvalidLicence, "a licence has a number");
        var number = FreeText.Name(c.Number, "number");
        if (number.Error is not null) return number.Error;
        if (Countries.Problem(c.Destination, "destination") is { } countryError) return countryError;
        if (c.ModelIds.Count == 0) return new DomainError(LicenceErrors.InvalidLicence, "a licence covers at least one model");
        if (c.Quantity <= 0) return new DomainError(LicenceErrors.InvalidLicence, "quantity must be positive");
        if (c.ValidUntil < c.ValidFrom) return new DomainError(LicenceErrors.InvalidLicence, "validity ends before it starts");
        return Decision<ILicenceEvent>.Accept(new LicenceGranted(c.LicenceId, number.Text!, c.HolderId, c.ConsigneeId, c.EndUserId, c.Destination,
            c.ModelIds.ToArray(), c.Quantity, c.ValidFrom, c.ValidUntil, c.Actor.OrganisationId, c.At));
    }

    public static Decision<ILicenceEvent> Decide(RevokeLicence c, Licence? state)
    {
        if (!c.Actor.IsAgency) return new DomainError(LicenceErrors.NotAgency, "only an agency revokes licences");
        if (state is null) return new DomainError(LicenceErrors.LicenceNotFound, $"licence '{c.LicenceId}' does not exist");
        if (state.Revocation is not null) return new DomainError(LicenceErrors.LicenceAlreadyRevoked, $"licence '{state.Number}' is already revoked");
        if (string.IsNullOrWhiteSpace(c.Reason)) return new DomainError(LicenceErrors.ReasonRequired, "a revocation states its reason");
        var reason = FreeText.Detail(c.Reason, "reason");
        if (reason.Error is not null) return reason.Error;
        return Decision<ILicenceEvent>.Accept(new LicenceRevoked(state.Id, reason.Text!, c.EffectiveFrom, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>The licence use cases' handlers: fold the licence's stream, decide, append.</summary>
public static class LicenceCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, GrantLicence command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Licence(command.LicenceId), StreamKeys.LicenceType, () => commands.Reads.LoadLicenceAsync(command.LicenceId, cancellationToken),
            state => Task.FromResult(LicenceDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RevokeLicence command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Licence(command.LicenceId), StreamKeys.LicenceType, () => commands.Reads.LoadLicenceAsync(command.LicenceId, cancellationToken),
            state => Task.FromResult(LicenceDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
}
