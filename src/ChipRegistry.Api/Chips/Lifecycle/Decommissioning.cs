using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record DecommissioningRequest(string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The physical custodian takes the chip out of service for good (it may still be destroyed).</summary>
internal static class Decommissioning
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/decommissioning").WithTags("End of life").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<DecommissioningRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var reason = RequestFields.Text(body.Reason, "reason");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ConflictCodes.NotCustodian),
                    (_, actor) => Task.FromResult<IChipCommand>(new DecommissionChip(Guid.CreateVersion7(), chipId, reason, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("DecommissionChip", "The physical custodian decommissions the chip.",
                new DecommissioningRequest("end of life", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_decommissioned", 10));
}
