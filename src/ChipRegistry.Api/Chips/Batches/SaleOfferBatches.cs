using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of a sale-offer batch: the fields of <see cref="SaleOfferRequest"/> and the chip.</summary>
public sealed record SaleOfferBatchItem(string ChipId, string BuyerId, NodaTime.OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record SaleOfferBatchRequest(IReadOnlyList<SaleOfferBatchItem> Items);

/// <summary>The owner offers many chips, each to a named buyer, in one request (ownership moves when each buyer accepts).</summary>
internal static class SaleOfferBatches
{
    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/sale-offers", (HttpContext http, CancellationToken cancellationToken) =>
        {
            var writes = http.RequestServices.GetRequiredService<ChipBatchWrites>();
            var buyers = new ChipBatchEndpoints.Lookups<string, Organisation>(id => Named.OrganisationAsync(writes.Reads, id, "buyerId", cancellationToken));
            return ChipBatchEndpoints.RunAsync<SaleOfferBatchItem>(http, new ChipAct(ChipErrors.NotOwner), async (_, item, _, actor) =>
            {
                var buyerId = RequestFields.Id(item.BuyerId, "buyerId");
                var at = http.BusinessTime(item.OccurredAt);
                var buyer = await buyers.GetAsync(buyerId);
                if (buyer.Kind is OrganisationKind.Agency or OrganisationKind.Registry)
                {
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, ChipErrors.InvalidBuyer, "The buyer cannot own chips.", "buyerId names an agency or the registry.");
                }
                return new OfferChipSale(Guid.CreateVersion7(), item.ChipId, buyerId, actor, at);
            }, cancellationToken);
        })
        .WithTags("Sales", "Batches").RequireAuthorization(ChipPolicies.Trader)
        .Documented("OfferChipSales", "The owner offers many chips to named, registered buyers in one request, all or nothing.",
            new SaleOfferBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new SaleOfferBatchItem(c, "dist-gulf", ChipLifecycleEndpoints.ExampleTime))]), "chip_sale_offered");
}
