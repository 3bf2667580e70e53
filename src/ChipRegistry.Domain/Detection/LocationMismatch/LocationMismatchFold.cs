using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.ConsigneeMismatch;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Projections.Placements;

namespace ChipRegistry.Domain.Detection.LocationMismatch;

/// <summary>
/// Folds a chip's stream for rule 3. Voided events (and their cascade) are kept as acts, marked voided; the rest apply
/// in business-time order (sequence order among equal times). The licensed destination is the one the chip's latest
/// shipment cited a licence or notification for; a shipment citing none, or a return to the manufacturer, ends it (the
/// rule is silent for a chip never shipped under one). Each installation or attestation is placed by its facility as
/// the registry knew it when the act was recorded: a country other than the destination, or an attested round trip to
/// a registered landmark whose bound (RTT/2 x 200 km) excludes the facility, is mislocated. A chip already mislocated
/// at a facility under a licence adds no fact until an attestation consistent with the destination resolves it.
/// </summary>
public static class LocationMismatchFold
{
    private const string AttestationObservationKind = "location_attestation";

    private sealed record Licensed(long SeqId, ChipShipped Shipment, bool Voided);

    private sealed record Placed(string Kind, string FacilityId, string? Country, ChipLocationAttested? Attestation);

    public static IReadOnlyList<MislocatedAct> Of(
        string chipId, IReadOnlyList<SequencedChipEvent> stream, Func<string, long, Facility?> facilityAt, Func<string, long, Landmark?> landmarkAt)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(facilityAt);
        ArgumentNullException.ThrowIfNull(landmarkAt);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var ordered = stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId);

        var acts = new List<MislocatedAct>();
        Licensed? licensed = null;
        foreach (var (seqId, e) in ordered.Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipShipped shipped:
                    licensed = shipped.AuthorisationNumber is null ? null : new Licensed(seqId, shipped, voided);
                    continue;
                case ChipReturned when !voided:
                    licensed = null;
                    continue;
            }
            if (licensed is null || Placement(e) is not { } placed) continue;
            var facility = facilityAt(placed.FacilityId, seqId);
            if ((placed.Country ?? facility?.Country) is not { } country) continue;
            var act = Judge(chipId, seqId, e, placed, facility, country, licensed, voided || licensed.Voided, landmarkAt);
            if (act is null)
            {
                if (!voided && !licensed.Voided && placed.Kind == MislocatedAct.Attestation) Resolve(acts, chipId, licensed, seqId, e);
                continue;
            }
            var standing = acts.Any(a => a.GroupKey == act.GroupKey && a.ResolvedAt is null && a.Voided == act.Voided);
            if (!standing) acts.Add(act);
        }
        return acts;
    }

    private static Placed? Placement(IChipEvent e) => e switch
    {
        ChipInstalled i => new Placed(MislocatedAct.Installation, i.FacilityId, i.Country, null),
        ChipObserved { Kind: ConsigneeMismatchFold.InstallationObservationKind, FacilityId: { } facility } o => new Placed(MislocatedAct.Installation, facility, o.Country, null),
        ChipLocationAttested a => new Placed(MislocatedAct.Attestation, a.FacilityId, null, a),
        ChipObserved { Kind: AttestationObservationKind, FacilityId: { } facility } o => new Placed(MislocatedAct.Attestation, facility, o.Country, null),
        _ => null,
    };

    /// <summary>The act as mislocated, or null when it is consistent with the licensed destination.</summary>
    private static MislocatedAct? Judge(
        string chipId, long seqId, IChipEvent e, Placed placed, Facility? facility, string country, Licensed licensed, bool voided,
        Func<string, long, Landmark?> landmarkAt)
    {
        var shipment = licensed.Shipment;
        MislocatedAct Act(string reason, Landmark? landmark = null, decimal? distance = null, decimal? bound = null) => new(
            chipId, seqId, placed.Kind, placed.FacilityId, shipment.AuthorisationNumber!, shipment.DestinationCountry, licensed.SeqId, country,
            e.OccurredAt, reason, landmark?.Id, placed.Attestation?.RoundTripMs, distance, bound, placed.Attestation is { MeasuredByLandmark: false },
            null, null, voided);

        if (country != shipment.DestinationCountry) return Act(MislocatedAct.CountryReason);
        if (placed.Attestation is not { RoundTripMs: { } rtt, LandmarkId: { } landmarkId } || facility is null) return null;
        if (landmarkAt(landmarkId, seqId) is not { } landmark) return null;
        var distance = GreatCircle.DistanceKm(landmark.Latitude, landmark.Longitude, facility.Latitude, facility.Longitude);
        var bound = GreatCircle.BoundKm(rtt);
        return distance > bound ? Act(MislocatedAct.DistanceReason, landmark, distance, bound) : null;
    }

    /// <summary>A consistent attestation resolves the chip's standing mislocated acts under the same licensed shipment.</summary>
    private static void Resolve(List<MislocatedAct> acts, string chipId, Licensed licensed, long seqId, IChipEvent e)
    {
        for (var i = 0; i < acts.Count; i++)
        {
            if (acts[i] is { ResolvedAt: null, Voided: false } a && a.ChipId == chipId && a.ShipmentSeqId == licensed.SeqId)
            {
                acts[i] = a with { ResolvedAt = e.OccurredAt, ResolvedSeqId = seqId };
            }
        }
    }
}
