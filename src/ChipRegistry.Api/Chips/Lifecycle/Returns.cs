using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>A return to the manufacturer under an RMA, shipped to <see cref="DestinationCountry"/>.</summary>
public sealed record ReturnRequest(string RmaNumber, string DestinationCountry, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The physical custodian returns the chip to its manufacturer (who receives it as consignee).</summary>
internal static class Returns
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/returns").WithTags("Shipping").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<ReturnRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var rma = RequestFields.Id(body.RmaNumber, "rmaNumber");
                var destination = RequestFields.Country(body.DestinationCountry, "destinationCountry");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ConflictCodes.NotCustodian),
                    (_, actor) => Task.FromResult<IChipCommand>(new ReturnChip(Guid.CreateVersion7(), chipId, rma, destination, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("ReturnChip", "The physical custodian returns the chip to its manufacturer under an RMA number.",
                new ReturnRequest("RMA-2026-0042", "TW", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_returned", 7));
}
