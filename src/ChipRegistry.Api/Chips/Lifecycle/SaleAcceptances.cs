using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record SaleAcceptanceRequest(NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The buyer named in the open offer accepts it: it becomes the owner (custody does not move).</summary>
internal static class SaleAcceptances
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/sale-offer/acceptance").WithTags("Sales").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<SaleAcceptanceRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotNamedBuyer),
                    (_, actor) => Task.FromResult<IChipCommand>(new AcceptChipSale(Guid.CreateVersion7(), chipId, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("AcceptChipSale", "The buyer named in the chip's open offer accepts it and becomes the owner.",
                new SaleAcceptanceRequest(ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_sale_accepted", 3));
}
