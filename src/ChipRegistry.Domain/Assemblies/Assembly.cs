using ChipRegistry.Domain.Common;
using NodaTime;

namespace ChipRegistry.Domain.Assemblies;

/// <summary>4A090: a server or board that aggregates 3A090 chips, with its own serial and stream.</summary>
public enum AssemblyKind
{
    Server,
    Board,
}

public enum AssemblyStage
{
    InStock,
    InTransit,
    Installed,
}

public interface IAssemblyEvent : IDomainEvent
{
    string AssemblyId { get; }
}

public sealed record AssemblyRegistered(string AssemblyId, AssemblyKind Kind, string Serial, string Country, string RecordedBy, Instant OccurredAt) : IAssemblyEvent;

public sealed record AssemblyChipPacked(string AssemblyId, string ChipId, string RecordedBy, Instant OccurredAt) : IAssemblyEvent;

public sealed record AssemblyChipUnpacked(string AssemblyId, string ChipId, string RecordedBy, Instant OccurredAt) : IAssemblyEvent;

public sealed record AssemblyShipped(
    string AssemblyId, string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId, string PayerId,
    string? AuthorisationNumber, IReadOnlyList<string> ChipIds, string RecordedBy, Instant OccurredAt) : IAssemblyEvent
{
    public bool Equals(AssemblyShipped? other) =>
        other is not null
        && (AssemblyId, DestinationCountry, ConsigneeId, EndUserId, BillToId, ShipToId, PayerId, AuthorisationNumber, RecordedBy, OccurredAt)
            == (other.AssemblyId, other.DestinationCountry, other.ConsigneeId, other.EndUserId, other.BillToId, other.ShipToId, other.PayerId, other.AuthorisationNumber, other.RecordedBy, other.OccurredAt)
        && ChipIds.SequenceEqual(other.ChipIds);

    public override int GetHashCode() => HashCode.Combine(AssemblyId, ConsigneeId, ChipIds.Count);
}


public sealed record AssemblyReceived(string AssemblyId, string Country, string RecordedBy, Instant OccurredAt) : IAssemblyEvent;

public sealed record AssemblyInstalled(string AssemblyId, string FacilityId, string ClusterId, string Rack, string RecordedBy, Instant OccurredAt) : IAssemblyEvent;

public sealed record Assembly(
    string Id, AssemblyKind Kind, string Serial, AssemblyStage Stage, string CustodianId, string Country,
    string? ConsigneeId, string? FacilityId, IReadOnlyList<string> ChipIds)
{
    public bool Equals(Assembly? other) =>
        other is not null
        && (Id, Kind, Serial, Stage, CustodianId, Country, ConsigneeId, FacilityId)
            == (other.Id, other.Kind, other.Serial, other.Stage, other.CustodianId, other.Country, other.ConsigneeId, other.FacilityId)
        && ChipIds.SequenceEqual(other.ChipIds);

    public override int GetHashCode() => HashCode.Combine(Id, Stage, ChipIds.Count);

    public static Assembly? Evolve(Assembly? state, IAssemblyEvent e) => (state, e) switch
    {
        (null, AssemblyRegistered r) => new Assembly(r.AssemblyId, r.Kind, r.Serial, AssemblyStage.InStock, r.RecordedBy, r.Country, null, null, []),
        ({ } s, AssemblyChipPacked p) => s with { ChipIds = [.. s.ChipIds, p.ChipId] },
        ({ } s, AssemblyChipUnpacked u) => s with { ChipIds = [.. s.ChipIds.Where(id => id != u.ChipId)] },
        ({ } s, AssemblyShipped sh) => s with { Stage = AssemblyStage.InTransit, ConsigneeId = sh.ConsigneeId },
        ({ } s, AssemblyReceived r) => s with { Stage = AssemblyStage.InStock, CustodianId = r.RecordedBy, Country = r.Country, ConsigneeId = null },
        ({ } s, AssemblyInstalled i) => s with { Stage = AssemblyStage.Installed, FacilityId = i.FacilityId },
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an unregistered assembly" : state.Id)}"),
    };

    public static Assembly? Fold(IEnumerable<IAssemblyEvent> events) => events.Aggregate((Assembly?)null, Evolve);
}
