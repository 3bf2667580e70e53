using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Api.Chips.Observations;
using ChipRegistry.Api.Tests.Chips;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// The chip write endpoints' matrix cells. With the relation, the caller is the party the act needs on a fresh chip
/// (owner, named buyer, custodian, named consignee, installing operator, recorder of the event); without it, the chip
/// is a fresh one of arr-mfr's that the caller never held, which must be the fixed 404. Roles that can never be such a
/// party get a call on an unknown chip: their cell is 403, decided before any chip is looked at.
/// </summary>
public sealed class ChipWriteArrangements(ApiFixture host) : IMatrixArrangement
{
    private const string Chip = "POST /api/v1/chips/{chipId}";
    private readonly ChipArranger arrange = new(host);

    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/lots", "POST /api/v1/lots/{lotId}/hold", "POST /api/v1/observations",
        $"{Chip}/sale-offer", $"{Chip}/sale-offer/acceptance", $"{Chip}/shipments", $"{Chip}/receipts", $"{Chip}/returns",
        $"{Chip}/installations", $"{Chip}/tenancies", $"{Chip}/removals", $"{Chip}/decommissioning", $"{Chip}/destruction",
        $"{Chip}/loss-reports", $"{Chip}/hold", $"{Chip}/hold/release", $"{Chip}/illegitimacy-declaration", $"{Chip}/voids",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        await arrange.EnsureOrganisationsAsync();
        var actor = ChipArranger.ActorOf(caller.OrganisationId, caller.Role);
        var at = SystemClock.Instance.GetCurrentInstant().Minus(Duration.FromMinutes(1)).WithOffset(Offset.Zero);
        var act = endpoint.StartsWith(Chip, StringComparison.Ordinal) ? endpoint[Chip.Length..] : endpoint;
        switch (act)
        {
            case "POST /api/v1/lots":
                return new ArrangedCall("/api/v1/lots", await LotAsync(actor));
            case "POST /api/v1/lots/{lotId}/hold":
                var lotId = ChipArranger.FreshId("lot");
                if (actor.IsAgency)
                {
                    await arrange.FabricatedAsync(lotId: lotId);
                }
                return new ArrangedCall($"/api/v1/lots/{lotId}/hold", new LotHoldRequest("recall", at));
            case "POST /api/v1/observations":
                return new ArrangedCall("/api/v1/observations", new ObservationRequest(await arrange.FabricatedAsync(), "sighting", "seen in a warehouse"));
        }

        var (chipId, body) = act switch
        {
            "/sale-offer" => (await Target(related, IsTrader(actor), () => arrange.OwnedByAsync(actor)), (object)new SaleOfferRequest(ChipArranger.Buyer, at)),
            "/sale-offer/acceptance" => (await Target(related, IsTrader(actor), () => arrange.OfferedToAsync(actor)), new SaleAcceptanceRequest(at)),
            "/shipments" => (await Target(related, IsTrader(actor), () => arrange.InCustodyOfAsync(actor)), new ShipmentRequest("DE", ChipArranger.Buyer, ChipArranger.Buyer, OccurredAt: at)),
            "/receipts" => (await Target(related, IsTrader(actor), () => arrange.InTransitToAsync(actor)), new ReceiptRequest("US", at)),
            "/returns" => (await Target(related, IsTrader(actor), () => arrange.InCustodyOfAsync(actor)), new ReturnRequest("RMA-1", "TW", at)),
            "/decommissioning" => (await Target(related, IsTrader(actor), () => arrange.InCustodyOfAsync(actor)), new DecommissioningRequest("end of life", at)),
            "/destruction" => (await Target(related, IsTrader(actor), () => arrange.InCustodyOfAsync(actor)), new DestructionRequest("shredded", at)),
            "/loss-reports" => (await Target(related, IsTrader(actor), () => arrange.InCustodyOfAsync(actor)), new LossReportRequest("lost", "fell off a truck", at)),
            "/installations" => await InstallationAsync(actor, related, at),
            "/tenancies" => (await Target(related, IsOperator(actor), () => arrange.InstalledByAsync(actor)), new TenancyRequest(ChipArranger.Buyer, at, null, at)),
            "/removals" => (await Target(related, IsOperator(actor), () => arrange.InstalledByAsync(actor)), new RemovalRequest("maintenance", at)),
            "/hold" => (await Target(related, actor.IsAgency, () => arrange.FabricatedAsync()), new HoldRequest("investigation", at)),
            // Agencies act on any chip (no relation): with or without, the target is a chip another agency holds.
            "/hold/release" => (actor.IsAgency ? await arrange.OnHoldAsync() : await Target(related, false, arrange.OnHoldAsync), new HoldRequest("cleared", at)),
            "/illegitimacy-declaration" => (await Target(related, actor.IsAgency, () => arrange.FabricatedAsync()), new IllegitimacyDeclarationRequest("counterfeit", at)),
            "/voids" => await VoidAsync(actor, related, at),
            _ => throw new InvalidOperationException($"{endpoint} is not arranged here"),
        };
        return new ArrangedCall($"/api/v1/chips/{chipId}{act}", body);
    }

    private static bool IsTrader(Actor actor) => actor.Kind is not (OrganisationKind.Agency or OrganisationKind.Registry);

    private static bool IsOperator(Actor actor) => actor.Kind == OrganisationKind.Operator;

    /// <summary>The related chip when the role can hold the relation and the cell asks for it; else an unrelated chip.</summary>
    private async Task<string> Target(bool related, bool roleCanRelate, Func<Task<string>> relatedChip) =>
        related && roleCanRelate ? await relatedChip() : roleCanRelate ? await arrange.FabricatedAsync() : $"{ChipArranger.Manufacturer}:unknown-{Guid.NewGuid():N}";

    private async Task<(string, object)> InstallationAsync(Actor actor, bool related, OffsetDateTime at)
    {
        if (!IsOperator(actor))
        {
            return ($"{ChipArranger.Manufacturer}:unknown-{Guid.NewGuid():N}", new InstallationRequest("fac-none", "c1", "r1", at));
        }
        var facility = await arrange.FacilityOfAsync(actor);
        var chipId = related ? await arrange.InCustodyOfAsync(actor) : await arrange.FabricatedAsync();
        return (chipId, new InstallationRequest(facility.Id, "c1", "r1", at));
    }

    /// <summary>Traders void an event they recorded (a manufacturer its fabrication, others their acceptance of a sale); agencies any event.</summary>
    private async Task<(string, object)> VoidAsync(Actor actor, bool related, OffsetDateTime at)
    {
        if (actor.Kind == OrganisationKind.Registry)
        {
            return ($"{ChipArranger.Manufacturer}:unknown-{Guid.NewGuid():N}", new VoidRequest(Guid.NewGuid(), "entered in error", at));
        }
        var chipId = related && !actor.IsAgency ? await arrange.OwnedByAsync(actor) : await arrange.FabricatedAsync();
        var newest = (await arrange.LoadHistoryAsync(chipId)).Effective.Last();
        return (chipId, new VoidRequest(newest.EventId, "entered in error", at));
    }

    /// <summary>A manufacturer registers a lot of its own model; any other role's body is never read (403).</summary>
    private async Task<LotRequest> LotAsync(Actor actor)
    {
        var modelId = $"{actor.OrganisationId}-model";
        if (actor.Kind == OrganisationKind.Manufacturer && (await arrange.Reads.LoadModelAsync(modelId)).State is null)
        {
            (await arrange.Commands.HandleAsync(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = modelId }, actor, ChipArranger.Now))).EnsureAccepted();
        }
        return new LotRequest(ChipArranger.FreshId("lot"), modelId, "TW", null, [$"{actor.OrganisationId}:{Guid.NewGuid():N}", $"{actor.OrganisationId}:{Guid.NewGuid():N}"]);
    }
}
