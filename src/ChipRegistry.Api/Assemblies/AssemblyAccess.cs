using ChipRegistry.Domain.Organisations;
using System.Security.Claims;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Assemblies;

/// <summary>
/// An assembly is acted on by the organisation that holds it or is named to receive it; to anyone else it is
/// answered like an unregistered id, since an assembly reveals the chips inside it.
/// </summary>
public static class AssemblyAccess
{
    public static async Task<Assembly> LoadHeldAssemblyAsync(this RegistryReads reads, string assemblyId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var caller = user.OrganisationId();
        return (await reads.LoadAssemblyAsync(assemblyId, cancellationToken)).State is { } assembly && (assembly.CustodianId == caller || assembly.ConsigneeId == caller)
            ? assembly
            : throw NotRegistered(assemblyId);
    }

    /// <summary>
    /// Reads reach further than acts: agencies and the registry read every assembly, though they hold none.
    /// The consignee sees it only while it is shipped to it, since receipt clears the consignee.
    /// </summary>
    public static async Task<Assembly> LoadVisibleAssemblyAsync(this RegistryReads reads, string assemblyId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var caller = user.OrganisationId();
        return (await reads.LoadAssemblyAsync(assemblyId, cancellationToken)).State is { } assembly
            && (user.ReadsEverything() || assembly.CustodianId == caller || assembly.ConsigneeId == caller)
            ? assembly
            : throw NotRegistered(assemblyId);
    }

    // One factory for every refusal, so a read and a write answer a hidden assembly with the same bytes as an unknown id.
    private static ApiProblemException NotRegistered(string assemblyId) =>
        DomainProblems.ToProblem(new DomainError("assembly_not_registered", $"assembly '{assemblyId}' is not registered"));

    /// <summary>
    /// Every chip a request names must be one the caller may see (it held or holds it); an unknown or hidden
    /// serial gets the one fixed chip 404, so naming chips cannot probe who holds them.
    /// </summary>
    public static async Task RequireVisibleChipsAsync(this RegistryReads reads, IReadOnlyList<string> chipIds, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (chipIds.Any(id => string.IsNullOrWhiteSpace(id) || id.Contains('/', StringComparison.Ordinal)))
        {
            throw new ChipNotFoundException();
        }
        var actor = user.Actor();
        foreach (var (state, relation) in (await reads.LoadChipsForAsync(chipIds, actor, cancellationToken)).Values)
        {
            if (state.Version == 0 || relation == ChipRelation.None)
            {
                throw new ChipNotFoundException();
            }
        }
    }
}
