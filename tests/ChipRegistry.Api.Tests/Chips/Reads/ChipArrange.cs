using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Tests.Chips.Reads;

/// <summary>Chip state arranged straight through the domain's handlers, independent of the write endpoints.</summary>
internal static class ChipArrange
{
    public static string NewSerial() => $"nvidia:t{Guid.NewGuid():N}";

    public static Instant Now => SystemClock.Instance.GetCurrentInstant();

    /// <summary>A fresh lot of the H100 SXM made by the manufacturer (registered first), in Taiwan; returns the serials.</summary>
    public static async Task<IReadOnlyList<string>> RegisterAsync(ApiFixture host, string manufacturerId, int count = 1)
    {
        await host.RegisterOrganisationAsync(manufacturerId, OrganisationKind.Manufacturer, "TW");
        var serials = Enumerable.Range(0, count).Select(_ => NewSerial()).Order(StringComparer.Ordinal).ToList();
        var lot = new RegisterChipLot(Guid.NewGuid(), $"lot-{Guid.NewGuid():N}", CatalogSeed.H100Sxm.ModelId, "TW", new Actor(manufacturerId, OrganisationKind.Manufacturer), Now);
        Accepted(await host.Commands.RegisterLotAsync(lot, serials));
        return serials;
    }

    public static async Task<string> RegisterOneAsync(ApiFixture host, string manufacturerId) => (await RegisterAsync(host, manufacturerId))[0];

    public static async Task OfferAsync(ApiFixture host, string chipId, Actor seller, string buyerId) =>
        Accepted(await host.Commands.HandleAsync(new OfferChipSale(Guid.NewGuid(), chipId, buyerId, seller, Now)));

    public static async Task SellAsync(ApiFixture host, string chipId, Actor seller, Actor buyer)
    {
        await OfferAsync(host, chipId, seller, buyer.OrganisationId);
        Accepted(await host.Commands.HandleAsync(new AcceptChipSale(Guid.NewGuid(), chipId, buyer, Now)));
    }

    /// <summary>The custodian ships to the consignee within the US (no licence needed) and the consignee receives it.</summary>
    public static async Task HandOverAsync(ApiFixture host, string chipId, Actor custodian, Actor consignee)
    {
        var party = new PartyJurisdiction(consignee.OrganisationId, "US", consignee.OrganisationId, "US");
        var context = new ShipmentContext(CatalogSeed.H100Sxm, party, party, null, null, 0);
        var to = consignee.OrganisationId;
        Accepted(await host.Commands.HandleAsync(new ShipChip(Guid.NewGuid(), chipId, "US", to, to, to, to, to, null, context, custodian, Now)));
        Accepted(await host.Commands.HandleAsync(new ReceiveChip(Guid.NewGuid(), chipId, "US", consignee, Now)));
    }

    public static void Accepted(CommandResult result) => Assert.True(result.IsAccepted, result.Error?.ToString());
}
