using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record RemovalRequest(string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The operator takes the chip out of its installation (it stays in the operator's custody, in stock).</summary>
internal static class Removals
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/removals").WithTags("Installations").RequireAuthorization(ChipPolicies.Operator)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<RemovalRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var reason = RequestFields.Text(body.Reason, "reason");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotFacilityOperator),
                    (_, actor) => Task.FromResult<IChipCommand>(new RemoveChip(Guid.CreateVersion7(), chipId, reason, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("RemoveChip", "The operator removes the chip from its installation.",
                new RemovalRequest("board replaced", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_removed", 9));
}
