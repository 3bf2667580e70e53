using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain.Common;

/// <summary>The organisation acting on a command, as authenticated by the API (its id and its kind).</summary>
public sealed record Actor(string OrganisationId, OrganisationKind Kind)
{
    public bool IsAgency => Kind == OrganisationKind.Agency;

    /// <summary>Agencies and the registry itself see every registered chip, whoever held it.</summary>
    public bool SeesEveryChip => IsAgency || Kind == OrganisationKind.Registry;

    public override string ToString() => $"{OrganisationId} ({Kind})";
}
