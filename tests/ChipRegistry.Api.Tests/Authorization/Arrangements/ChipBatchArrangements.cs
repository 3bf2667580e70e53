using ChipRegistry.Api.Chips.Batches;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// The batch acts' matrix cells, arranged as the single acts' are (<see cref="ChipWriteArrangements"/>): a one-chip
/// batch whose chip is, with the relation, one the caller is the needed party to, and without it a fresh chip of
/// arr-mfr's the caller never held, which must be 404 as a single act's is.
/// </summary>
public sealed class ChipBatchArrangements(ApiFixture host) : IMatrixArrangement
{
    private const string Batches = "POST /api/v1/chip-batches/";
    private readonly ChipArranger arrange = new(host);

    public IReadOnlyCollection<string> Endpoints { get; } =
        [.. new[] { "sale-offers", "sale-acceptances", "shipments", "receipts", "installations", "tenancies" }.Select(act => Batches + act)];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        await arrange.EnsureOrganisationsAsync();
        var actor = ChipArranger.ActorOf(caller.OrganisationId, caller.Role);
        var at = SystemClock.Instance.GetCurrentInstant().Minus(Duration.FromMinutes(1)).WithOffset(Offset.Zero);
        var act = endpoint[Batches.Length..];
        var trader = actor.Kind is not (OrganisationKind.Agency or OrganisationKind.Registry);
        var @operator = actor.Kind == OrganisationKind.Operator;
        object body = act switch
        {
            "sale-offers" => new SaleOfferBatchRequest([new(await Target(related, trader, () => arrange.OwnedByAsync(actor)), ChipArranger.Buyer, at)]),
            "sale-acceptances" => new SaleAcceptanceBatchRequest([new(await Target(related, trader, () => arrange.OfferedToAsync(actor)), at)]),
            "shipments" => new ShipmentBatchRequest([new(await Target(related, trader, () => arrange.InCustodyOfAsync(actor)), "DE", ChipArranger.Buyer, ChipArranger.Buyer, OccurredAt: at)]),
            "receipts" => new ReceiptBatchRequest([new(await Target(related, trader, () => arrange.InTransitToAsync(actor)), "US", at)]),
            "installations" => await InstallationAsync(actor, related, at),
            "tenancies" => new TenancyBatchRequest([new(await Target(related, @operator, () => arrange.InstalledByAsync(actor)), ChipArranger.Buyer, at, null, at)]),
            _ => throw new InvalidOperationException($"{endpoint} is not arranged here"),
        };
        return new ArrangedCall($"/api/v1/chip-batches/{act}", body);
    }

    private async Task<string> Target(bool related, bool roleCanRelate, Func<Task<string>> relatedChip) =>
        related && roleCanRelate ? await relatedChip() : roleCanRelate ? await arrange.FabricatedAsync() : $"{ChipArranger.Manufacturer}:unknown-{Guid.NewGuid():N}";

    private async Task<InstallationBatchRequest> InstallationAsync(Actor actor, bool related, OffsetDateTime at)
    {
        if (actor.Kind != OrganisationKind.Operator)
        {
            return new([new($"{ChipArranger.Manufacturer}:unknown-{Guid.NewGuid():N}", "fac-none", "c1", "r1", at)]);
        }
        var facility = await arrange.FacilityOfAsync(actor);
        var chipId = related ? await arrange.InCustodyOfAsync(actor) : await arrange.FabricatedAsync();
        return new([new(chipId, facility.Id, "c1", "r1", at)]);
    }
}
