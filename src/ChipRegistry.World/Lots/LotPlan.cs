using ChipRegistry.Domain.Catalog;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Lots;

/// <summary>Where a lot's chips end up.</summary>
internal enum LotRoute
{
    /// <summary>Straight to the Colossus-scale site: installed, a few spares in stock, each RMA replaced the same day.</summary>
    Colossus,

    /// <summary>Sold on (directly or through a distributor) to a site's operator and installed there, then lives out the timeline.</summary>
    Installed,

    /// <summary>Delivered to a distributor and kept there, idle.</summary>
    Stockpile,

    /// <summary>Through a hub's distributor to forwarders, never installed; an agency holds what reaches the last one.</summary>
    Transshipment,
}

/// <summary>One lot: its model and maker, when and where it was made, how many chips and where they go.</summary>
internal sealed record LotPlan(
    int Number, string LotId, AcceleratorSpec Model, string ManufacturerId, string FabCountry, Instant FabricatedAt, int Size, LotRoute Route,
    WorldFacility? Facility, int InstalledAtColossus, int Seed);
