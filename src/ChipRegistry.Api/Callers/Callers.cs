using System.Security.Claims;
using System.Text.Json;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Callers;

/// <summary>The authenticated caller as the domain sees it: its organisation and the kind its key's role names.</summary>
public static class Callers
{
    private static readonly IReadOnlyDictionary<string, OrganisationKind> KindsByRole = Enum.GetValues<OrganisationKind>()
        .Where(kind => kind != OrganisationKind.Registry)
        .ToDictionary(kind => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()), kind => kind, StringComparer.Ordinal);

    /// <summary>The role name of an organisation kind (<c>end_user</c>), as keys and the authorization table spell it.</summary>
    public static string RoleOf(OrganisationKind kind) =>
        kind == OrganisationKind.Registry ? ApiKeys.AdminRole : JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    public static bool TryKindOf(string role, out OrganisationKind kind)
    {
        if (role == ApiKeys.AdminRole)
        {
            kind = OrganisationKind.Registry;
            return true;
        }
        return KindsByRole.TryGetValue(role, out kind);
    }

    /// <summary>The acting organisation of a command: every write records it.</summary>
    public static Actor Actor(this ClaimsPrincipal user)
    {
        var role = user.FindFirstValue(ClaimTypes.Role) ?? throw new InvalidOperationException("The caller has no role.");
        return TryKindOf(role, out var kind)
            ? new Actor(user.OrganisationId(), kind)
            : throw new InvalidOperationException($"The caller's role '{role}' is not an organisation kind.");
    }

    /// <summary>Agencies and the registry's own administrators read every chip, whoever held it.</summary>
    public static bool ReadsEverything(this ClaimsPrincipal user) =>
        user.IsInRole(ApiKeys.AdminRole) || user.IsInRole(RoleOf(OrganisationKind.Agency));
}
