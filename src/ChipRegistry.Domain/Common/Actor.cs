using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain.Common;

/// <summary>The organisation acting on a command, as authenticated by the API (its id and its kind).</summary>
public sealed record Actor(string OrganisationId, OrganisationKind Kind)
{
    public bool IsAgency => Kind == OrganisationKind.Agency;

    public override string ToString() => $"{OrganisationId} ({Kind})";
}
