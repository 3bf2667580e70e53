using System.Text.Json;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Chips.Reads;

/// <summary>Which state a reader gets: the chip now, or as it stood when the reader's holding ended.</summary>
public static class ChipViews
{
    public const string Current = "current";
    public const string AsOfYourHolding = "as_of_your_holding";
}

public sealed record OfferResponse(string SellerId, string BuyerId, Instant OfferedAt);

public sealed record ShipmentResponse(
    string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId, string PayerId,
    string? AuthorisationNumber, string LicenceCheck, string? RmaNumber, Instant ShippedAt);

public sealed record InstallationResponse(string FacilityId, string OperatorId, string Country, string ClusterId, string Rack, Instant InstalledAt);

public sealed record TenancyResponse(string TenantId, Instant From, Instant? To);

/// <summary><see cref="RoundTripSource"/>: <c>landmark</c> (measured by the landmark itself), <c>self_reported</c>, or null without a round trip.</summary>
public sealed record AttestationResponse(string FacilityId, string Method, decimal? RoundTripMs, string? LandmarkId, string Signature, Instant At, string? RoundTripSource = null);

public sealed record HoldResponse(string Reason, string AgencyId, Instant PlacedAt);

public sealed record IllegitimacyResponse(string Reason, string AgencyId, Instant DeclaredAt);

/// <summary>
/// A chip as the caller may see it. <see cref="View"/> is <c>current</c> for a party now (and for agencies), and
/// <c>as_of_your_holding</c> for a former holder, who gets the state right after the last event it may read,
/// with <see cref="Version"/> the stream version at that event.
/// </summary>
public sealed record ChipStateResponse(
    string ChipId, long Version, string View, bool AsOfYourHolding, string Stage, string? ModelId, string? ManufacturerId, string? LotId,
    string? OwnerId, string? CustodianId, string? LocationCountry, OfferResponse? Offer, ShipmentResponse? Shipment,
    InstallationResponse? Installation, TenancyResponse? Tenancy, AttestationResponse? LastAttestation, string? AssemblyId,
    string? Missing, HoldResponse? Hold, IllegitimacyResponse? Illegitimacy, int Observations, int ConflictingObservations)
{
    public static ChipStateResponse From(ChipState s, long version, bool asOfHolding) => new(
        s.ChipId, version, asOfHolding ? ChipViews.AsOfYourHolding : ChipViews.Current, asOfHolding, Names.Of(s.Stage), s.ModelId, s.ManufacturerId,
        s.LotId, s.OwnerId, s.CustodianId, s.LocationCountry,
        s.Offer is { } o ? new OfferResponse(o.SellerId, o.BuyerId, o.OfferedAt) : null,
        s.Shipment is { } sh ? new ShipmentResponse(sh.DestinationCountry, sh.ConsigneeId, sh.EndUserId, sh.BillToId, sh.ShipToId, sh.PayerId,
            sh.AuthorisationNumber, sh.LicenceCheck.ToCode(), sh.RmaNumber, sh.ShippedAt) : null,
        s.Installation is { } i ? new InstallationResponse(i.FacilityId, i.OperatorId, i.Country, i.ClusterId, i.Rack, i.InstalledAt) : null,
        s.Tenancy is { } t ? new TenancyResponse(t.TenantId, t.From, t.To) : null,
        s.LastAttestation is { } a ? new AttestationResponse(a.FacilityId, a.Method, a.RoundTripMs, a.LandmarkId, Names.Of(a.Signature), a.At,
            a.RoundTripMs is null ? null : a.MeasuredByLandmark ? "landmark" : "self_reported") : null,
        s.AssemblyId, s.Missing is { } m ? Names.Of(m) : null,
        s.Hold is { } h ? new HoldResponse(h.Reason, h.AgencyId, h.PlacedAt) : null,
        s.Illegitimacy is { } il ? new IllegitimacyResponse(il.Reason, il.AgencyId, il.DeclaredAt) : null,
        s.Observations, s.ConflictingObservations);
}

/// <summary>An organisation as the history names it: its id, and its name and country from the directory.</summary>
public sealed record OrganisationRef(string Id, string? Name, string? Country);

/// <summary>The shipment facts of a <c>chip_shipped</c> or <c>chip_returned</c> entry.</summary>
public sealed record ShipmentFacts(
    string DestinationCountry, OrganisationRef Consignee, string? EndUserId, string? AuthorisationNumber, string LicenceCheck,
    string? LicenceRequirementCode, string? LicenceCheckDetail, string? RmaNumber);

/// <summary>
/// One step of the custody chain. <see cref="OwnerId"/> and <see cref="CustodianId"/> are the chip's owner and
/// custodian right after the step; <see cref="Observation"/> marks a report the lifecycle did not accept as an act
/// (kept as evidence, with its <see cref="ConflictCode"/>); <see cref="Voided"/> marks an event a later void took back.
/// </summary>
public sealed record ChipHistoryEntry(
    long Version, long SeqId, Guid EventId, string Type, Instant OccurredAt, Instant RecordedAt, OrganisationRef ActingOrganisation,
    string Stage, string? OwnerId, string? CustodianId, string? LocationCountry, ShipmentFacts? Shipment, bool Observation, string? ConflictCode,
    bool Voided, Guid? VoidsEventId, JsonElement Data);

/// <summary>Where the same chip's stays and custody chain are read (under the same visibility as its history).</summary>
public sealed record ChipHistoryLinks(string Placements, string Custody)
{
    /// <summary>Chip ids are path-safe by their grammar (letters, digits, <c>._:-</c>), so they go in as they are.</summary>
    public static ChipHistoryLinks Of(string chipId) => new($"/api/v1/chips/{chipId}/placements", $"/api/v1/chips/{chipId}/custody");
}

public sealed record ChipHistoryResponse(
    string ChipId, long Version, string View, bool AsOfYourHolding, Instant? AsOf, Instant? KnownAt, IReadOnlyList<ChipHistoryEntry> Entries,
    ChipHistoryLinks Links);

public sealed record ChipSummary(
    string ChipId, long Version, string Stage, string? ModelId, string? ManufacturerId, string? LotId, string? OwnerId, string? CustodianId,
    string? LocationCountry, string? FacilityId, string? ClusterId, string? AssemblyId, bool OnHold, bool Illegitimate, int Observations,
    int ConflictingObservations)
{
    public static ChipSummary From(ChipStateRow r) => new(
        r.ChipId, r.Version, r.Stage, r.ModelId, r.ManufacturerId, r.LotId, r.OwnerId, r.CustodianId, r.LocationCountry, r.FacilityId, r.ClusterId,
        r.AssemblyId, r.OnHold, r.Illegitimate, r.Observations, r.ConflictingObservations);
}

/// <summary>A page of search results; pass <see cref="Next"/> as <c>cursor</c> for the next page (null: no more).</summary>
public sealed record ChipSearchResponse(IReadOnlyList<ChipSummary> Chips, string? Next);

public sealed record ChipReadLogPage(IReadOnlyList<ChipReadEntry> Entries, string? Next);

internal static class Names
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
