using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record SaleOfferRequest(string BuyerId, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The owner offers the chip to a named buyer (ownership moves only when the buyer accepts).</summary>
internal static class SaleOffers
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/sale-offer").WithTags("Sales").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<SaleOfferRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var buyerId = RequestFields.Id(body.BuyerId, "buyerId");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotOwner), async (snapshot, actor) =>
                {
                    var buyer = await Named.OrganisationAsync(writes.Reads, buyerId, "buyerId", cancellationToken);
                    if (buyer.Kind is OrganisationKind.Agency or OrganisationKind.Registry)
                    {
                        throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, ChipErrors.InvalidBuyer, "The buyer cannot own chips.", "buyerId names an agency or the registry.");
                    }
                    return new OfferChipSale(Guid.CreateVersion7(), chipId, buyerId, actor, at);
                }, cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("OfferChipSale", "The owner offers the chip to a named, registered buyer; ownership moves when the buyer accepts.",
                new SaleOfferRequest("dist-gulf", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_sale_offered", 2));
}
