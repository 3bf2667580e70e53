using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Tests.Chips;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Detection;

/// <summary>Acts the organisation and shipment rules' scenarios need beyond <see cref="DetectionScenario"/>'s own.</summary>
public static class ScenarioActs
{
    private static readonly Instant Recorded = Instant.FromUtc(2024, 1, 1, 0, 0);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Registers an organisation founded on the given day, with a parent from its founding when one is named.</summary>
    public static async Task<Actor> OrganisationAsync(
        this DetectionScenario scenario, string id, string country, LocalDate foundedOn, string? parent = null, OrganisationKind kind = OrganisationKind.Distributor)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        (await scenario.Registry.Commands.HandleAsync(new RegisterOrganisation(id, id, kind, country, foundedOn, BuiltInOrganisations.RegistryAdmin, Recorded),
            cancellationToken: Cancel)).EnsureAccepted();
        if (parent is not null)
        {
            (await scenario.Registry.Commands.HandleAsync(new ChangeOrganisationParent(id, parent, foundedOn, BuiltInOrganisations.RegistryAdmin, Recorded),
                cancellationToken: Cancel)).EnsureAccepted();
        }
        return new Actor(id, kind);
    }

    /// <summary>Sells each chip from its owner to the buyer: an offer and its acceptance at the same instant. Returns the acceptances.</summary>
    public static async Task<Guid[]> SellAsync(this DetectionScenario scenario, IEnumerable<string> chips, Actor seller, Actor buyer, Instant at)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var accepted = new List<Guid>();
        foreach (var chip in chips)
        {
            await scenario.RunAsync(new OfferChipSale(ChipWorld.Id(), chip, buyer.OrganisationId, seller, at));
            accepted.Add(await scenario.RunAsync(new AcceptChipSale(ChipWorld.Id(), chip, buyer, at)));
        }
        return [.. accepted];
    }

    /// <summary>Ships each chip with every party of the shipment named, one event per chip. Returns the shipments.</summary>
    public static async Task<Guid[]> ShipWithPartiesAsync(
        this DetectionScenario scenario, IEnumerable<string> chips, Actor shipper, string consignee, string country, Instant at,
        string? payer = null, string? billTo = null, string? shipTo = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var events = new List<Guid>();
        foreach (var chip in chips)
        {
            events.Add(await scenario.RunAsync(new ShipChip(ChipWorld.Id(), chip, country, consignee, consignee, billTo ?? consignee, shipTo ?? consignee,
                payer ?? consignee, null, ChipWorld.Context(consignee, country), shipper, at)));
        }
        return [.. events];
    }
}
