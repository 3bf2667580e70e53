using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of a sale-acceptance batch: the fields of <see cref="SaleAcceptanceRequest"/> and the chip.</summary>
public sealed record SaleAcceptanceBatchItem(string ChipId, NodaTime.OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record SaleAcceptanceBatchRequest(IReadOnlyList<SaleAcceptanceBatchItem> Items);

/// <summary>The buyer named in many chips' open offers accepts them all in one request and becomes their owner.</summary>
internal static class SaleAcceptanceBatches
{
    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/sale-acceptances", (HttpContext http, CancellationToken cancellationToken) =>
            ChipBatchEndpoints.RunAsync<SaleAcceptanceBatchItem>(http, new ChipAct(ChipErrors.NotNamedBuyer), (_, item, _, actor) =>
                Task.FromResult<IChipCommand>(new AcceptChipSale(Guid.CreateVersion7(), item.ChipId, actor, http.BusinessTime(item.OccurredAt))), cancellationToken))
        .WithTags("Sales", "Batches").RequireAuthorization(ChipPolicies.Trader)
        .Documented("AcceptChipSales", "The buyer named in many chips' open offers accepts them in one request, all or nothing.",
            new SaleAcceptanceBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new SaleAcceptanceBatchItem(c, ChipLifecycleEndpoints.ExampleTime))]), "chip_sale_accepted");
}
