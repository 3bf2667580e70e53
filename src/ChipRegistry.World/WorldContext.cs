using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.World.Cast;

namespace ChipRegistry.World;

/// <summary>
/// What every lot's acts consult, read back from the registry once the reference world is in: the organisation
/// directory (parent chains for the licence questions) and the catalog (the spec in force on a date), as the API reads them.
/// </summary>
internal sealed record WorldContext(
    WorldSettings Settings, CommandPipeline Commands, WorldOrganisations Organisations, WorldFacilities Facilities,
    OrganisationDirectory Directory, IReadOnlyDictionary<string, AcceleratorModel> Models,
    IReadOnlyDictionary<string, Domain.Facilities.Facility> Sites, WorldReport Report);
