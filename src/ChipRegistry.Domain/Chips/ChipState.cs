using ChipRegistry.Domain.Attestations;
using System.Collections.Immutable;
using ChipRegistry.Domain.Licences;
using NodaTime;

namespace ChipRegistry.Domain.Chips;

public enum ChipStage
{
    /// <summary>No (non-voided) fabrication: the serial is unknown to the registry.</summary>
    Unregistered,

    /// <summary>Held by its custodian, not installed, not moving (after fabrication, receipt or removal).</summary>
    InStock,
    InTransit,
    Installed,
    Decommissioned,
    Destroyed,

    /// <summary>Reported lost or stolen.</summary>
    Missing,
}

public sealed record SaleOffer(Guid EventId, string SellerId, string BuyerId, Instant OfferedAt);

public sealed record Shipment(
    Guid EventId, string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId, string PayerId,
    string? AuthorisationNumber, LicenceCheckResult LicenceCheck, string? RmaNumber, Instant ShippedAt);

public sealed record Installation(Guid EventId, string FacilityId, string OperatorId, string Country, string ClusterId, string Rack, Instant InstalledAt);

public sealed record Tenancy(string TenantId, Instant From, Instant? To);

public sealed record Attestation(string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, SignatureResult Signature, Instant At);

public sealed record Hold(Guid EventId, string Reason, string AgencyId, Instant PlacedAt);

public sealed record Illegitimacy(string Reason, string AgencyId, Instant DeclaredAt);

/// <summary>
/// A chip's state: the fold of its stream, skipping voided events. Ownership (<see cref="OwnerId"/>) and physical
/// custody (<see cref="CustodianId"/>) are separate. <see cref="History"/> keeps every event (voids included) so a
/// void can re-fold without the voided events; <see cref="Dependents"/> records, for each event, the later events
/// whose validity rested on it (the void cascade).
/// </summary>
public sealed record ChipState(
    string ChipId,
    ChipStage Stage,
    string? ModelId,
    string? ManufacturerId,
    string? LotId,
    string? OwnerId,
    string? CustodianId,
    string? LocationCountry,
    SaleOffer? Offer,
    Shipment? Shipment,
    Installation? Installation,
    Tenancy? Tenancy,
    Attestation? LastAttestation,
    string? AssemblyId,
    MissingKind? Missing,
    Hold? Hold,
    Illegitimacy? Illegitimacy,
    int Observations,
    int ConflictingObservations,
    Guid? FabricationEventId,
    Guid? LastOwnershipEventId,
    Guid? LastCustodyEventId,
    ImmutableList<IChipEvent> History,
    ImmutableHashSet<Guid> Voided,
    ImmutableDictionary<Guid, ImmutableList<Guid>> Dependents)
{
    public static ChipState Initial(string chipId) => new(
        chipId, ChipStage.Unregistered, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0, 0,
        null, null, null, [], [], ImmutableDictionary<Guid, ImmutableList<Guid>>.Empty);

    /// <summary>
    /// Structural equality (records compare immutable collections by reference): an incrementally evolved state
    /// equals a fresh fold of the same stream.
    /// </summary>
    public bool Equals(ChipState? other) =>
        other is not null
        && (ChipId, Stage, ModelId, ManufacturerId, LotId, OwnerId, CustodianId, LocationCountry)
            == (other.ChipId, other.Stage, other.ModelId, other.ManufacturerId, other.LotId, other.OwnerId, other.CustodianId, other.LocationCountry)
        && (Offer, Shipment, Installation, Tenancy, LastAttestation, AssemblyId, Missing, Hold, Illegitimacy)
            == (other.Offer, other.Shipment, other.Installation, other.Tenancy, other.LastAttestation, other.AssemblyId, other.Missing, other.Hold, other.Illegitimacy)
        && (Observations, ConflictingObservations, FabricationEventId, LastOwnershipEventId, LastCustodyEventId)
            == (other.Observations, other.ConflictingObservations, other.FabricationEventId, other.LastOwnershipEventId, other.LastCustodyEventId)
        && History.SequenceEqual(other.History)
        && Voided.SetEquals(other.Voided)
        && Dependents.Count == other.Dependents.Count
        && Dependents.All(p => other.Dependents.TryGetValue(p.Key, out var theirs) && p.Value.SequenceEqual(theirs));

    public override int GetHashCode() => HashCode.Combine(ChipId, Stage, OwnerId, CustodianId, History.Count);

    /// <summary>The number of events in the stream (voids included): the stream version after them.</summary>
    public int Version => History.Count;

    public bool HasConflicts => ConflictingObservations > 0;

    public bool IsPacked => AssemblyId is not null;

    /// <summary>The non-voided events, in stream order.</summary>
    public IEnumerable<IChipEvent> Effective => History.Where(e => e is not ChipEventVoided && !Voided.Contains(e.EventId));

    public IChipEvent? Find(Guid eventId) => History.FirstOrDefault(e => e.EventId == eventId);

    public static ChipState Fold(string chipId, IEnumerable<IChipEvent> events) => events.Aggregate(Initial(chipId), Evolve);

    public static ChipState Evolve(ChipState state, IChipEvent e)
    {
        if (e.ChipId != state.ChipId) throw new InvalidOperationException($"event for {e.ChipId} applied to {state.ChipId}");
        var history = state.History.Add(e);
        if (e is ChipEventVoided v)
        {
            // Re-fold everything except the voided events: state skips them exactly as a fresh fold does.
            var voided = state.Voided.Add(v.VoidedEventId);
            var replay = Initial(state.ChipId);
            foreach (var earlier in history)
            {
                if (earlier is not ChipEventVoided && !voided.Contains(earlier.EventId)) replay = Apply(replay, earlier);
            }
            return replay with { History = history, Voided = voided };
        }
        return Apply(state, e) with { History = history };
    }

    private ChipState DependsOn(Guid? on, Guid eventId) =>
        on is not { } parent ? this
        : this with { Dependents = Dependents.SetItem(parent, Dependents.GetValueOrDefault(parent, []).Add(eventId)) };

    /// <summary>Applies one non-voided event. History is maintained by <see cref="Evolve"/>.</summary>
    private static ChipState Apply(ChipState s, IChipEvent e) => e switch
    {
        ChipFabricated f => s with
        {
            Stage = ChipStage.InStock, ModelId = f.ModelId, ManufacturerId = f.ManufacturerId, LotId = f.LotId,
            OwnerId = f.ManufacturerId, CustodianId = f.ManufacturerId, LocationCountry = f.Country,
            FabricationEventId = f.EventId, LastOwnershipEventId = f.EventId, LastCustodyEventId = f.EventId,
        },
        ChipSaleOffered o => s.DependsOn(s.LastOwnershipEventId, o.EventId) with
        {
            Offer = new SaleOffer(o.EventId, o.SellerId, o.BuyerId, o.OccurredAt), LastOwnershipEventId = o.EventId,
        },
        ChipSaleAccepted a => s.DependsOn(s.LastOwnershipEventId, a.EventId) with
        {
            OwnerId = a.BuyerId, Offer = null, LastOwnershipEventId = a.EventId,
        },
        ChipShipped sh => s.DependsOn(s.LastCustodyEventId, sh.EventId) with
        {
            Stage = ChipStage.InTransit,
            Shipment = new Shipment(sh.EventId, sh.DestinationCountry, sh.ConsigneeId, sh.EndUserId, sh.BillToId, sh.ShipToId, sh.PayerId,
                sh.AuthorisationNumber, sh.LicenceCheck, null, sh.OccurredAt),
            LastCustodyEventId = sh.EventId,
        },
        ChipReturned r => s.DependsOn(s.LastCustodyEventId, r.EventId) with
        {
            Stage = ChipStage.InTransit,
            Shipment = new Shipment(r.EventId, r.DestinationCountry, r.ManufacturerId, r.ManufacturerId, r.ManufacturerId, r.ManufacturerId,
                s.OwnerId ?? r.RecordedBy, null, LicenceCheckResult.NoneNeeded, r.RmaNumber, r.OccurredAt),
            LastCustodyEventId = r.EventId,
        },
        ChipReceived r => s.DependsOn(s.LastCustodyEventId, r.EventId) with
        {
            Stage = ChipStage.InStock, CustodianId = r.RecordedBy, LocationCountry = r.Country, Shipment = null, LastCustodyEventId = r.EventId,
        },
        ChipInstalled i => s.DependsOn(s.LastCustodyEventId, i.EventId) with
        {
            Stage = ChipStage.Installed, LocationCountry = i.Country,
            Installation = new Installation(i.EventId, i.FacilityId, i.OperatorId, i.Country, i.ClusterId, i.Rack, i.OccurredAt),
            LastCustodyEventId = i.EventId,
        },
        ChipTenantAssigned t => s.DependsOn(s.LastCustodyEventId, t.EventId) with { Tenancy = new Tenancy(t.TenantId, t.From, t.To) },
        ChipLocationAttested a => s.DependsOn(s.LastCustodyEventId, a.EventId) with
        {
            LastAttestation = new Attestation(a.FacilityId, a.Method, a.RoundTripMs, a.LandmarkId, a.Signature, a.OccurredAt),
        },
        ChipRemoved r => s.DependsOn(s.LastCustodyEventId, r.EventId) with
        {
            Stage = ChipStage.InStock, Installation = null, Tenancy = null, LastCustodyEventId = r.EventId,
        },
        ChipDecommissioned d => s.DependsOn(s.LastCustodyEventId, d.EventId) with { Stage = ChipStage.Decommissioned, LastCustodyEventId = d.EventId },
        ChipDestroyed d => s.DependsOn(s.LastCustodyEventId, d.EventId) with { Stage = ChipStage.Destroyed, Offer = null, LastCustodyEventId = d.EventId },
        ChipMissingReported m => s.DependsOn(s.LastCustodyEventId, m.EventId) with { Stage = ChipStage.Missing, Missing = m.Kind, LastCustodyEventId = m.EventId },
        ChipPacked p => s.DependsOn(s.LastCustodyEventId, p.EventId) with { AssemblyId = p.AssemblyId, LastCustodyEventId = p.EventId },
        ChipUnpacked u => s.DependsOn(s.LastCustodyEventId, u.EventId) with { AssemblyId = null, LastCustodyEventId = u.EventId },
        ChipObserved o => s with
        {
            Observations = s.Observations + 1,
            ConflictingObservations = s.ConflictingObservations + (o.Conflicting ? 1 : 0),
        },
        ChipHoldPlaced h => s.DependsOn(s.FabricationEventId, h.EventId) with { Hold = new Hold(h.EventId, h.Reason, h.RecordedBy, h.OccurredAt) },
        ChipHoldReleased r => s.DependsOn(r.HoldEventId, r.EventId) with { Hold = null },
        ChipIllegitimacyDeclared i => s.DependsOn(s.FabricationEventId, i.EventId) with { Illegitimacy = new Illegitimacy(i.Reason, i.RecordedBy, i.OccurredAt) },
        _ => throw new InvalidOperationException($"{e.GetType().Name} is not applied by ChipState.Apply"),
    };

    /// <summary>Every event that (transitively) depends on <paramref name="eventId"/>, newest first.</summary>
    public IReadOnlyList<Guid> DependentsOf(Guid eventId)
    {
        var found = new HashSet<Guid>();
        var queue = new Queue<Guid>([eventId]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in Dependents.GetValueOrDefault(next, []))
            {
                if (found.Add(child)) queue.Enqueue(child);
            }
        }
        var position = History.Select((e, i) => (e.EventId, i)).ToDictionary(p => p.EventId, p => p.i);
        return found.OrderByDescending(id => position[id]).ToList();
    }
}
