using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>The sites a rule places chips with: facilities (country, coordinates, declared power) and landmarks.</summary>
public sealed partial class ReferenceStreams
{
    /// <summary>Reads the facilities' streams.</summary>
    public Task LoadFacilitiesAsync(AsyncProjectionBatch batch, IEnumerable<string> facilityIds, CancellationToken cancellationToken) =>
        ReadAsync(batch, [.. facilityIds.Select(StreamKeys.Facility)], cancellationToken);

    /// <summary>Reads the landmarks' streams.</summary>
    public Task LoadLandmarksAsync(AsyncProjectionBatch batch, IEnumerable<string> landmarkIds, CancellationToken cancellationToken) =>
        ReadAsync(batch, [.. landmarkIds.Select(StreamKeys.Landmark)], cancellationToken);

    /// <summary>The facility as it stood at <paramref name="throughSeqId"/>; null when not registered by then.</summary>
    public Facility? FacilityAt(string facilityId, long throughSeqId) => Facility.Fold(Events<IFacilityEvent>(StreamKeys.Facility(facilityId), throughSeqId));

    /// <summary>The facility's events up to <paramref name="throughSeqId"/>, with their sequence numbers.</summary>
    public IEnumerable<(long SeqId, IFacilityEvent Event)> FacilityEvents(string facilityId, long throughSeqId) =>
        streams.GetValueOrDefault(StreamKeys.Facility(facilityId), []).Where(e => e.SeqId <= throughSeqId && e.Data is IFacilityEvent)
            .Select(e => (e.SeqId, (IFacilityEvent)e.Data));

    /// <summary>The landmark as registered by <paramref name="throughSeqId"/>; null when not registered by then.</summary>
    public Landmark? LandmarkAt(string landmarkId, long throughSeqId) =>
        Events<LandmarkRegistered>(StreamKeys.Landmark(landmarkId), throughSeqId).FirstOrDefault() is { } registered
            ? Landmark.Evolve(null, registered)
            : null;
}
