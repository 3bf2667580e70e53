using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Facilities;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of an installation batch: the fields of <see cref="InstallationRequest"/> and the chip.</summary>
public sealed record InstallationBatchItem(string ChipId, string FacilityId, string ClusterId, string Rack, NodaTime.OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record InstallationBatchRequest(IReadOnlyList<InstallationBatchItem> Items);

/// <summary>The custodian, operating the facilities, installs many chips in their clusters in one request.</summary>
internal static class InstallationBatches
{
    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/installations", (HttpContext http, CancellationToken cancellationToken) =>
        {
            var writes = http.RequestServices.GetRequiredService<ChipBatchWrites>();
            var facilities = new ChipBatchEndpoints.Lookups<string, Facility?>(async id => (await writes.Reads.LoadFacilityAsync(id, cancellationToken)).State);
            return ChipBatchEndpoints.RunAsync<InstallationBatchItem>(http, new ChipAct(ConflictCodes.NotCustodian), async (_, item, _, actor) =>
            {
                var facilityId = RequestFields.Id(item.FacilityId, "facilityId");
                var clusterId = RequestFields.Id(item.ClusterId, "clusterId");
                var rack = RequestFields.Id(item.Rack, "rack");
                var at = http.BusinessTime(item.OccurredAt);
                // As for one chip: a facility another organisation operates is answered exactly as an unknown one.
                var facility = await facilities.GetAsync(facilityId);
                if (facility is null || facility.OperatorId != actor.OrganisationId)
                {
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_facility", "No such facility operated by this organisation.", "facilityId: a facility this organisation registered.");
                }
                return new InstallChip(Guid.CreateVersion7(), item.ChipId, facility, clusterId, rack, actor, at);
            }, cancellationToken);
        })
        .WithTags("Installations", "Batches").RequireAuthorization(ChipPolicies.Operator)
        .Documented("InstallChips", "The chips' custodian, operating the facilities, installs many chips in one request, all or nothing.",
            new InstallationBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new InstallationBatchItem(c, "fac-gulf-1", "hall-a", "A-12", ChipLifecycleEndpoints.ExampleTime))]), "chip_installed");
}
