using System.Runtime.CompilerServices;
using ChipRegistry.Api.Tests.Chips.Reads;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace ChipRegistry.Api.Tests.Flags;

/// <summary>A flag raised the way the registry raises one: a chip shipped to China with no licence cited (rule 16).</summary>
internal static class FlagArrange
{
    private static readonly ConditionalWeakTable<ApiFixture, Task<RaisedFlag>> Shared = new();

    public sealed record RaisedFlag(string FlagId, string ChipId, string ShipperId, string ConsigneeId);

    /// <summary>One flag per host, for checks that only need a flag to exist.</summary>
    public static Task<RaisedFlag> SharedAsync(ApiFixture host) => Shared.GetValue(host, RaiseAsync);

    public static async Task<RaisedFlag> RaiseAsync(ApiFixture host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var run = Guid.NewGuid().ToString("N")[..10];
        var shipper = new Actor($"fl-maker-{run}", OrganisationKind.Manufacturer);
        var consignee = $"fl-cn-{run}";
        await host.RegisterOrganisationAsync(consignee, OrganisationKind.Distributor, "CN");
        var chipId = await ChipArrange.RegisterOneAsync(host, shipper.OrganisationId);
        var party = new PartyJurisdiction(consignee, "CN", consignee, "CN");
        var shipment = new ShipChip(Guid.NewGuid(), chipId, "CN", consignee, consignee, consignee, consignee, consignee, null,
            new ShipmentContext(CatalogSeed.H100Sxm, party, party, null, null, 0), shipper, ChipArrange.Now);
        ChipArrange.Accepted(await host.Commands.HandleAsync(shipment));
        await host.Services.GetRequiredService<ProjectionDaemon>().WaitForCatchUpAsync(TestContext.Current.CancellationToken);
        var page = await host.Services.GetRequiredService<FlagReads>().ListAsync(new FlagQuery(ChipId: chipId), TestContext.Current.CancellationToken);
        var flag = Assert.Single(page.Flags).Flag;
        return new RaisedFlag(flag.Id, chipId, shipper.OrganisationId, consignee);
    }
}
