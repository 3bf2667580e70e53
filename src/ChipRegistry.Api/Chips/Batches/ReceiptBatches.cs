using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of a receipt batch: the fields of <see cref="ReceiptRequest"/> and the chip.</summary>
public sealed record ReceiptBatchItem(string ChipId, string Country, NodaTime.OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record ReceiptBatchRequest(IReadOnlyList<ReceiptBatchItem> Items);

/// <summary>The consignee named in many chips' open shipments receives them in one request.</summary>
internal static class ReceiptBatches
{
    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/receipts", (HttpContext http, CancellationToken cancellationToken) =>
            ChipBatchEndpoints.RunAsync<ReceiptBatchItem>(http, new ChipAct(Receipts.NotNamedConsignee), (_, item, _, actor) =>
                Task.FromResult<IChipCommand>(new ReceiveChip(Guid.CreateVersion7(), item.ChipId, RequestFields.Country(item.Country, "country"), actor,
                    http.BusinessTime(item.OccurredAt))), cancellationToken))
        .WithTags("Shipping", "Batches").RequireAuthorization(ChipPolicies.Trader)
        .Documented("ReceiveChips", "The consignee named in many chips' open shipments receives them in one request, all or nothing.",
            new ReceiptBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new ReceiptBatchItem(c, "AE", ChipLifecycleEndpoints.ExampleTime))]), "chip_received");
}
