using ChipRegistry.Api.Chips;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Attestations;

/// <summary>
/// Where the attestations meet the chip write pipeline: which chip the caller may see, which chips a cluster holds,
/// and recording the attestation events (the nonce a refused command had claimed is given back). Every call into
/// <see cref="RegistryReads"/>, <see cref="RegistryCommands"/> and <see cref="ChipVisibility"/> is here, so a change
/// to that pipeline is made in one place.
/// </summary>
internal static class AttestationChips
{
    /// <summary>The chip's state, or the fixed 404 when the id is malformed, unknown or not visible to the caller.</summary>
    public static async Task<ChipState> VisibleChipAsync(RegistryReads reads, string chipId, Actor actor, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        var snapshot = await reads.LoadChipAsync(chipId, cancellationToken);
        if (snapshot.Version == 0 || !ChipVisibility.For(chipId, snapshot.State.History, actor).IsVisible)
        {
            throw new ChipNotFoundException();
        }
        return snapshot.State;
    }

    /// <summary>The chips the chip-state table has installed in the cluster, in chip id order (stops once past <paramref name="max"/>).</summary>
    public static async Task<IReadOnlyList<string>> InstalledChipsAsync(RegistryReads reads, string facilityId, string clusterId, int max, CancellationToken cancellationToken)
    {
        var chipIds = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await reads.SearchChipsAsync(new ChipSearch
            {
                FacilityId = facilityId, Stage = ChipStateProjection.StageName(ChipStage.Installed), AfterChipId = after, Limit = ChipSearch.MaxLimit,
            }, cancellationToken);
            chipIds.AddRange(page.Where(row => row.ClusterId == clusterId).Select(row => row.ChipId));
            if (page.Count < ChipSearch.MaxLimit || chipIds.Count > max)
            {
                return chipIds;
            }
            after = page[^1].ChipId;
        }
    }

    /// <summary>Records one chip's attestation; the new version is the chip's.</summary>
    public static async Task<long> RecordChipAsync(
        RegistryCommands commands, AttestationSigning signing, SignatureResult signature, AttestationSignatureInput input,
        AttestChipLocation command, CommandMetadata metadata, CancellationToken cancellationToken)
    {
        var result = await RecordAsync(signing, signature, input, command.EventId, () => commands.HandleAsync(command, metadata, cancellationToken));
        return result.VersionOf(StreamKeys.Chip(command.ChipId));
    }

    /// <summary>Records a cluster's attestations in one multi-stream append (all or none); the new version of each chip.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> RecordClusterAsync(
        RegistryCommands commands, AttestationSigning signing, SignatureResult signature, AttestationSignatureInput input, Guid claimant,
        IReadOnlyList<AttestChipLocation> attestations, CommandMetadata metadata, CancellationToken cancellationToken)
    {
        var result = await RecordAsync(signing, signature, input, claimant,
            () => commands.HandleBatchAsync([.. attestations.Cast<IChipCommand>()], metadata, cancellationToken));
        return attestations.ToDictionary(a => a.ChipId, a => result.VersionOf(StreamKeys.Chip(a.ChipId)), StringComparer.Ordinal);
    }

    /// <summary>Runs the command; when it is refused or fails, the nonce it claimed is given back before the refusal is answered.</summary>
    private static async Task<CommandResult> RecordAsync(
        AttestationSigning signing, SignatureResult signature, AttestationSignatureInput input, Guid claimant, Func<Task<CommandResult>> command)
    {
        CommandResult result;
        try
        {
            result = await command();
        }
        catch
        {
            await signing.ReleaseAsync(signature, input, claimant, CancellationToken.None);
            throw;
        }
        if (!result.IsAccepted)
        {
            await signing.ReleaseAsync(signature, input, claimant, CancellationToken.None);
        }
        return result.EnsureAccepted();
    }
}
