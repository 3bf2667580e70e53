using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary><see cref="Country"/> is where the consignee received the chip.</summary>
public sealed record ReceiptRequest(string Country, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The consignee named in the open shipment receives the chip and becomes its physical custodian.</summary>
internal static class Receipts
{
    public const string NotNamedConsignee = "not_named_consignee";

    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/receipts").WithTags("Shipping").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<ReceiptRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var country = RequestFields.Country(body.Country, "country");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(NotNamedConsignee),
                    (_, actor) => Task.FromResult<IChipCommand>(new ReceiveChip(Guid.CreateVersion7(), chipId, country, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("ReceiveChip", "The consignee named in the chip's open shipment receives it and becomes its custodian.",
                new ReceiptRequest("AE", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_received", 6));
}
