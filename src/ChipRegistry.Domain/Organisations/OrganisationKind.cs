namespace ChipRegistry.Domain.Organisations;

public enum OrganisationKind
{
    Manufacturer,
    Distributor,
    Forwarder,
    Integrator,

    /// <summary>A data-center or cloud operator.</summary>
    Operator,
    EndUser,
    Agency,

    /// <summary>The registry itself (built-in administrator): registers organisations.</summary>
    Registry,
}

public static class BuiltInOrganisations
{
    public const string RegistryId = "registry";

    public static Common.Actor RegistryAdmin { get; } = new(RegistryId, OrganisationKind.Registry);
}
