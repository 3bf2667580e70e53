using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record DestructionRequest(string Method, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The physical custodian destroys the chip: the end of its lifecycle (later reports are observations).</summary>
internal static class Destruction
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/destruction").WithTags("End of life").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<DestructionRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var method = RequestFields.Text(body.Method, "method");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ConflictCodes.NotCustodian),
                    (_, actor) => Task.FromResult<IChipCommand>(new DestroyChip(Guid.CreateVersion7(), chipId, method, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("DestroyChip", "The physical custodian destroys the chip.",
                new DestructionRequest("shredded, certificate 2026-118", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_destroyed", 11));
}
