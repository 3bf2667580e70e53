using ChipRegistry.Domain.Attestations;
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

public sealed record Attestation(string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, SignatureResult Signature, Instant At, bool MeasuredByLandmark = false);

public sealed record Hold(Guid EventId, string Reason, string AgencyId, Instant PlacedAt);

public sealed record Illegitimacy(string Reason, string AgencyId, Instant DeclaredAt);

/// <summary>
/// A chip's state: the fold of its stream, skipping voided events. Ownership (<see cref="OwnerId"/>) and physical
/// custody (<see cref="CustodianId"/>) are separate. It holds no history, so its size does not grow with the chip's
/// life and the inline <c>chip_state</c> row written per append stays bounded; a void, which re-folds the stream
/// without the voided events, goes through <see cref="ChipHistory"/>. <see cref="Version"/> counts every event of
/// the stream, voids included: it is the stream version (and the ETag).
/// </summary>
public sealed record ChipState(
    string ChipId,
    long Version,
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
    Instant? LastActAt = null)
{
    public static ChipState Initial(string chipId) => new(
        chipId, 0, ChipStage.Unregistered, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 0, 0,
        null, null, null);

    public bool HasConflicts => ConflictingObservations > 0;

    public bool IsPacked => AssemblyId is not null;

    /// <summary>The state after a whole stream as stored, voids included (through <see cref="ChipHistory"/>).</summary>
    public static ChipState Fold(string chipId, IEnumerable<IChipEvent> events) => ChipHistory.Fold(chipId, events).State;

    /// <summary>
    /// One more event. A void cannot be applied to the state alone (it re-folds the stream without the voided
    /// events): <see cref="ChipHistory.Evolve"/> does that.
    /// </summary>
    public static ChipState Evolve(ChipState state, IChipEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        if (e.ChipId != state.ChipId) throw new InvalidOperationException($"event for {e.ChipId} applied to {state.ChipId}");
        if (e is ChipEventVoided) throw new InvalidOperationException("a void re-folds the chip's history: evolve a ChipHistory");
        var next = Apply(state, e) with { Version = state.Version + 1 };
        return e is ChipObserved ? next : next with { LastActAt = Max(state.LastActAt, e.OccurredAt) };
    }

    /// <summary>
    /// The earlier event whose validity <paramref name="e"/> rests on, judged on the state just before it: an offer or
    /// an acceptance on the last ownership step, a custody act on the last custody step, a hold or a declaration on
    /// the fabrication, a release on its hold. Voiding that event voids <paramref name="e"/> first (the cascade).
    /// </summary>
    public static Guid? DependencyOf(ChipState before, IChipEvent e)
    {
        ArgumentNullException.ThrowIfNull(before);
        return e switch
        {
            ChipSaleOffered or ChipSaleAccepted => before.LastOwnershipEventId,
            ChipShipped or ChipReturned or ChipReceived or ChipInstalled or ChipTenantAssigned or ChipLocationAttested or ChipRemoved
                or ChipDecommissioned or ChipDestroyed or ChipMissingReported or ChipPacked or ChipUnpacked => before.LastCustodyEventId,
            ChipHoldPlaced or ChipIllegitimacyDeclared => before.FabricationEventId,
            ChipHoldReleased r => r.HoldEventId,
            _ => null,
        };
    }

    private static Instant Max(Instant? last, Instant at) => last is { } l && l > at ? l : at;

    /// <summary>Applies one non-voided event.</summary>
    private static ChipState Apply(ChipState s, IChipEvent e) => e switch
    {
        ChipFabricated f => s with
        {
            Stage = ChipStage.InStock, ModelId = f.ModelId, ManufacturerId = f.ManufacturerId, LotId = f.LotId,
            OwnerId = f.ManufacturerId, CustodianId = f.ManufacturerId, LocationCountry = f.Country,
            FabricationEventId = f.EventId, LastOwnershipEventId = f.EventId, LastCustodyEventId = f.EventId,
        },
        ChipSaleOffered o => s with
        {
            Offer = new SaleOffer(o.EventId, o.SellerId, o.BuyerId, o.OccurredAt), LastOwnershipEventId = o.EventId,
        },
        ChipSaleAccepted a => s with
        {
            OwnerId = a.BuyerId, Offer = null, LastOwnershipEventId = a.EventId,
        },
        ChipShipped sh => s with
        {
            Stage = ChipStage.InTransit,
            Shipment = new Shipment(sh.EventId, sh.DestinationCountry, sh.ConsigneeId, sh.EndUserId, sh.BillToId, sh.ShipToId, sh.PayerId,
                sh.AuthorisationNumber, sh.LicenceCheck, null, sh.OccurredAt),
            LastCustodyEventId = sh.EventId,
        },
        ChipReturned r => s with
        {
            Stage = ChipStage.InTransit,
            Shipment = new Shipment(r.EventId, r.DestinationCountry, r.ManufacturerId, r.ManufacturerId, r.ManufacturerId, r.ManufacturerId,
                s.OwnerId ?? r.RecordedBy, null, LicenceCheckResult.NoneNeeded, r.RmaNumber, r.OccurredAt),
            LastCustodyEventId = r.EventId,
        },
        ChipReceived r => s with
        {
            Stage = ChipStage.InStock, CustodianId = r.RecordedBy, LocationCountry = r.Country, Shipment = null, LastCustodyEventId = r.EventId,
        },
        ChipInstalled i => s with
        {
            Stage = ChipStage.Installed, LocationCountry = i.Country,
            Installation = new Installation(i.EventId, i.FacilityId, i.OperatorId, i.Country, i.ClusterId, i.Rack, i.OccurredAt),
            LastCustodyEventId = i.EventId,
        },
        ChipTenantAssigned t => s with { Tenancy = new Tenancy(t.TenantId, t.From, t.To) },
        ChipLocationAttested a => s with
        {
            LastAttestation = new Attestation(a.FacilityId, a.Method, a.RoundTripMs, a.LandmarkId, a.Signature, a.OccurredAt, a.MeasuredByLandmark),
        },
        ChipRemoved r => s with
        {
            Stage = ChipStage.InStock, Installation = null, Tenancy = null, LastCustodyEventId = r.EventId,
        },
        ChipDecommissioned d => s with { Stage = ChipStage.Decommissioned, LastCustodyEventId = d.EventId },
        ChipDestroyed d => s with { Stage = ChipStage.Destroyed, Offer = null, LastCustodyEventId = d.EventId },
        ChipMissingReported m => s with { Stage = ChipStage.Missing, Missing = m.Kind, LastCustodyEventId = m.EventId },
        ChipPacked p => s with { AssemblyId = p.AssemblyId, LastCustodyEventId = p.EventId },
        ChipUnpacked u => s with { AssemblyId = null, LastCustodyEventId = u.EventId },
        ChipObserved o => s with
        {
            Observations = s.Observations + 1,
            ConflictingObservations = s.ConflictingObservations + (o.Conflicting ? 1 : 0),
        },
        ChipHoldPlaced h => s with { Hold = new Hold(h.EventId, h.Reason, h.RecordedBy, h.OccurredAt) },
        ChipHoldReleased r => s with { Hold = null },
        ChipIllegitimacyDeclared i => s with { Illegitimacy = new Illegitimacy(i.Reason, i.RecordedBy, i.OccurredAt) },
        _ => throw new InvalidOperationException($"{e.GetType().Name} is not applied by ChipState.Apply"),
    };
}
