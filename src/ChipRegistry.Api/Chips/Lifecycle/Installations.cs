using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record InstallationRequest(string FacilityId, string ClusterId, string Rack, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The custodian installs the chip in a cluster of a facility it operates.</summary>
internal static class Installations
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/installations").WithTags("Installations").RequireAuthorization(ChipPolicies.Operator)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<InstallationRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var facilityId = RequestFields.Id(body.FacilityId, "facilityId");
                var clusterId = RequestFields.Id(body.ClusterId, "clusterId");
                var rack = RequestFields.Id(body.Rack, "rack");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ConflictCodes.NotCustodian), async (_, actor) =>
                {
                    // A facility another organisation operates is answered exactly as an unknown one: whether a site
                    // exists, and who runs it, is not the caller's to learn from an installation.
                    var facility = (await writes.Reads.LoadFacilityAsync(facilityId, cancellationToken)).State;
                    if (facility is null || facility.OperatorId != actor.OrganisationId)
                    {
                        throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_facility", "No such facility operated by this organisation.", "facilityId: a facility this organisation registered.");
                    }
                    return new InstallChip(Guid.CreateVersion7(), chipId, facility, clusterId, rack, actor, at);
                }, cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("InstallChip", "The chip's custodian, operating the facility, installs it in one of the facility's clusters.",
                new InstallationRequest("fac-gulf-1", "hall-a", "A-12", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_installed", 7));
}
