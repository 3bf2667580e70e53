using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Attestations.Clusters;

/// <summary>Every chip installed in one cluster, attested at once; the facility and cluster come from the path.</summary>
public sealed record ClusterAttestationRequest(
    string Method, OffsetDateTime? OccurredAt = null, decimal? RoundTripMs = null, string? LandmarkId = null,
    string? Nonce = null, string? KeyId = null, string? Signature = null, bool? MeasuredByLandmark = null);

public sealed record AttestedChip(string ChipId, Guid EventId, long Version);

public sealed record ClusterAttestationResponse(string FacilityId, string ClusterId, string Signature, int ChipCount, IReadOnlyList<AttestedChip> Chips);

/// <summary>
/// The facility's operator attests every chip installed in one of its clusters in one transaction (one event per
/// chip, all or none), under one signature over the cluster and its chip list.
/// </summary>
internal static class AttestCluster
{
    /// <summary>A cluster attestation is one transaction; beyond this many chips the operator attests in parts, chip by chip.</summary>
    public const int MaxChips = 10_000;

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/facilities/{facilityId}/clusters/{clusterId}/attestations", async Task<Created<ClusterAttestationResponse>> (
            string facilityId, string clusterId, HttpContext context, RegistryReads reads, CommandPipeline commands, AttestationSigning signing, IClock clock,
            IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ClusterAttestationRequest>(cancellationToken);
            var actor = context.User.Actor();
            var now = clock.GetCurrentInstant();
            var fields = AttestationInput.Validate(body.Method, body.RoundTripMs, body.LandmarkId, body.OccurredAt, body.Signature is not null, now, businessTime.Value,
                body.MeasuredByLandmark == true);
            var input = AttestationInput.Signature(body.Nonce, body.KeyId, body.Signature);

            // Another operator's facility answers exactly as an unknown one.
            var facility = (await reads.LoadFacilityAsync(facilityId, cancellationToken)).State;
            if (facility is null || facility.OperatorId != actor.OrganisationId)
            {
                throw new ApiProblemException(StatusCodes.Status404NotFound, "facility_not_found", "No such facility operated by this organisation.");
            }
            if (!facility.HasCluster(clusterId))
            {
                throw new ApiProblemException(StatusCodes.Status404NotFound, "cluster_not_found", "The facility has no such cluster.");
            }
            var chipIds = await AttestationChips.InstalledChipsAsync(reads, facilityId, clusterId, MaxChips, cancellationToken);
            if (chipIds.Count == 0)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "cluster_empty", "No chip is installed in this cluster.");
            }
            if (chipIds.Count > MaxChips)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "cluster_too_large", "The cluster has too many chips to attest in one transaction.", $"At most {MaxChips:N0}; attest its chips one by one.");
            }

            var eventIds = chipIds.ToDictionary(id => id, _ => Guid.CreateVersion7(), StringComparer.Ordinal);
            var claimant = eventIds[chipIds[0]];
            var payload = AttestationPayload.ForCluster(facilityId, clusterId, chipIds, fields.Method, body.RoundTripMs, body.LandmarkId, body.Nonce, fields.OccurredAt);
            var signature = await signing.DecideAsync(actor.OrganisationId, payload, input, claimant, now, cancellationToken);
            var attestations = chipIds
                .Select(id => new AttestChipLocation(eventIds[id], id, facilityId, fields.Method, body.RoundTripMs, body.LandmarkId, signature, actor, fields.OccurredAt,
                    body.MeasuredByLandmark == true))
                .ToList();
            var versions = await AttestationChips.RecordClusterAsync(commands, signing, signature, input, claimant, attestations,
                context.CommandMetadata() with { CorrelationId = claimant.ToString() }, cancellationToken);
            var chips = chipIds.Select(id => new AttestedChip(id, eventIds[id], versions[id])).ToList();
            return TypedResults.Created((string?)null, new ClusterAttestationResponse(facilityId, clusterId, AttestationEndpoints.NameOf(signature), chips.Count, chips));
        }).RequireAuthorization(AttestationEndpoints.OperatorPolicy).Accepts<ClusterAttestationRequest>("application/json").WithName("AttestClusterLocation")
            .WithSummary("The facility's operator attests every chip installed in one of its clusters in one transaction (one event per chip, all or none); one signature covers the cluster and its chip list.")
            .WithRequestExample(new ClusterAttestationRequest("rtt", AttestationInput.ExampleTime(2026, 11, 20, 10, 0), 1.5m, "landmark-atl-3",
                "Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", "memphis-2026", "MEUCIQC7GCI9AE3lsC/TvDLIy3YSoscNL2ppYlruu2OnMBpUjwIgTbQ3+WQgC7pEFlzPYFS1O6C8xPbKXhTCMYXJ18B0qKo="))
            .WithResponseExample(StatusCodes.Status201Created, new ClusterAttestationResponse("fac-memphis-1", "hall-a", "valid", 2,
                [new AttestedChip("nvidia:1652223004561", Guid.Parse("0b8e3f4e-6c55-4d6f-9a43-2f1f8b7d9c10"), 9), new AttestedChip("nvidia:1652223004562", Guid.Parse("5d2c1a0b-7e44-4b3a-8f21-6c0e9d8b7a65"), 9)]))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
