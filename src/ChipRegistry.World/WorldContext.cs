using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.World.Sinks;
using ChipRegistry.World.Cast;

namespace ChipRegistry.World;

/// <summary>
/// What every lot's acts consult, read back from the registry once the reference world is in: the organisation
/// directory (parent chains for the licence questions) and the catalog (the spec in force on a date), as the API reads them.
/// </summary>
internal sealed record WorldContext(
    WorldSettings Settings, IWorldSink Commands, WorldOrganisations Organisations, WorldFacilities Facilities,
    OrganisationDirectory Directory, IReadOnlyDictionary<string, AcceleratorModel> Models,
    IReadOnlyDictionary<string, Domain.Facilities.Facility> Sites, WorldReport Report)
{
    /// <summary>The latest instant the world moved the sink's clock to (null before the first lot).</summary>
    public NodaTime.Instant? LastTick { get; set; }
}
