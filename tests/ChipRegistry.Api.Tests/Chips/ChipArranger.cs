using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>
/// Builds chips in a given state straight through the domain's command handlers (the world a test starts from), so
/// the HTTP call under test is the only request that goes through the API. Every chip is new.
/// </summary>
public sealed class ChipArranger(ApiFixture host)
{
    public const string Manufacturer = "arr-mfr";
    public const string Buyer = "arr-buyer";
    public const string Agency = "arr-agency";
    public static readonly string Model = CatalogSeed.H100Sxm.ModelId;

    private static readonly Actor ManufacturerActor = new(Manufacturer, OrganisationKind.Manufacturer);
    private static readonly Actor AgencyActor = new(Agency, OrganisationKind.Agency);
    private bool registered;

    public CommandPipeline Commands => host.Commands;

    public RegistryReads Reads => host.Services.GetRequiredService<RegistryReads>();

    /// <summary>
    /// The business time of arranged acts: ten minutes ago, so a request the test dates "a minute ago" before arranging
    /// still follows the arranged history (no act may be dated before the chip's latest one).
    /// </summary>
    public static Instant Now => SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(10);

    public static string FreshId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task EnsureOrganisationsAsync()
    {
        if (registered)
        {
            return;
        }
        await host.RegisterOrganisationAsync(Manufacturer, OrganisationKind.Manufacturer, "TW");
        await host.RegisterOrganisationAsync(Buyer, OrganisationKind.Distributor, "DE");
        await host.RegisterOrganisationAsync(Agency, OrganisationKind.Agency, "US");
        registered = true;
    }

    public static Actor ActorOf(string organisationId, string role) =>
        Callers.Callers.TryKindOf(role, out var kind) ? new Actor(organisationId, kind) : throw new ArgumentException(role, nameof(role));

    /// <summary>A new chip fabricated by <paramref name="manufacturer"/> (in stock, its owner and custodian).</summary>
    public async Task<string> FabricatedAsync(Actor? manufacturer = null, string? lotId = null)
    {
        await EnsureOrganisationsAsync();
        var maker = manufacturer ?? ManufacturerActor;
        var chipId = $"{maker.OrganisationId}:{Guid.NewGuid():N}";
        await Accept(new RegisterChip(Guid.NewGuid(), chipId, Model, lotId ?? FreshId("lot"), "TW", maker, Now));
        return chipId;
    }

    /// <summary>A chip owned by <paramref name="owner"/> (a manufacturer fabricates its own; others buy one from arr-mfr).</summary>
    public async Task<string> OwnedByAsync(Actor owner)
    {
        if (owner.Kind == OrganisationKind.Manufacturer)
        {
            return await FabricatedAsync(owner);
        }
        var chipId = await OfferedToAsync(owner);
        await Accept(new AcceptChipSale(Guid.NewGuid(), chipId, owner, Now));
        return chipId;
    }

    public async Task<string> OfferedToAsync(Actor buyer)
    {
        var chipId = await FabricatedAsync();
        await Accept(new OfferChipSale(Guid.NewGuid(), chipId, buyer.OrganisationId, ManufacturerActor, Now));
        return chipId;
    }

    public async Task<string> InTransitToAsync(Actor consignee)
    {
        var chipId = await FabricatedAsync();
        await Accept(Ship(chipId, ManufacturerActor, consignee.OrganisationId));
        return chipId;
    }

    /// <summary>A chip in <paramref name="custodian"/>'s hands (a manufacturer's own, or shipped to and received by it).</summary>
    public async Task<string> InCustodyOfAsync(Actor custodian)
    {
        if (custodian.Kind == OrganisationKind.Manufacturer)
        {
            return await FabricatedAsync(custodian);
        }
        var chipId = await InTransitToAsync(custodian);
        await Accept(new ReceiveChip(Guid.NewGuid(), chipId, "US", custodian, Now));
        return chipId;
    }

    /// <summary>A facility of <paramref name="operatorActor"/> with cluster <c>c1</c>.</summary>
    public async Task<Facility> FacilityOfAsync(Actor operatorActor, string country = "US")
    {
        var facilityId = FreshId("fac");
        (await Commands.HandleAsync(new RegisterFacility(facilityId, facilityId, country, 35.1m, -90.0m, 150m, operatorActor, Now))).EnsureAccepted();
        (await Commands.HandleAsync(new RegisterCluster(facilityId, "c1", "hall 1", operatorActor, Now))).EnsureAccepted();
        return (await Reads.LoadFacilityAsync(facilityId)).State!;
    }

    public async Task<string> InstalledByAsync(Actor operatorActor)
    {
        var chipId = await InCustodyOfAsync(operatorActor);
        var facility = await FacilityOfAsync(operatorActor);
        await Accept(new InstallChip(Guid.NewGuid(), chipId, facility, "c1", "r1", operatorActor, Now));
        return chipId;
    }

    public async Task<string> OnHoldAsync()
    {
        var chipId = await FabricatedAsync();
        await Accept(new PlaceChipHold(Guid.NewGuid(), chipId, "investigation", AgencyActor, Now));
        return chipId;
    }

    public async Task<ChipSnapshot> LoadAsync(string chipId) => await Reads.LoadChipAsync(chipId);

    /// <summary>The chip's whole stream folded (what a void is decided against).</summary>
    public async Task<ChipHistory> LoadHistoryAsync(string chipId) =>
        ChipHistory.Fold(chipId, (await Reads.ReadChipHistoryAsync(chipId)).Select(e => e.Data).OfType<IChipEvent>());

    public static ShipChip Ship(string chipId, Actor shipper, string consignee) =>
        new(Guid.NewGuid(), chipId, "US", consignee, consignee, consignee, consignee, consignee, null,
            new ShipmentContext(CatalogSeed.H100Sxm, new PartyJurisdiction(consignee, "US", consignee, "US"), new PartyJurisdiction(consignee, "US", consignee, "US"), null, null, 0),
            shipper, Now);

    public async Task Accept(IChipCommand command)
    {
        var result = await Commands.HandleAsync(command);
        Assert.True(result.IsAccepted, $"{command.GetType().Name}: {result.Error}");
        Assert.DoesNotContain(result.Events, e => e is ChipObserved);
    }
}
