using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Attestations;

/// <summary>
/// Where the attestations meet the chip write pipeline: which chip the caller may see, which chips a cluster holds,
/// and recording the attestation events (the nonce a refused command had claimed is given back). Every call into
/// <see cref="RegistryReads"/>, <see cref="ChipPipeline"/> and <see cref="CommandPipeline"/> is here, so a change
/// to that pipeline is made in one place.
/// </summary>
internal static class AttestationChips
{
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

    /// <summary>
    /// Records one chip's attestation through the chip pipeline (one load of the chip and the caller's relation; a
    /// hidden chip is the fixed 404, a stale If-Match 412). <paramref name="build"/> checks the loaded state and
    /// builds the command; <paramref name="claimSignature"/> decides the signature once, however often a version
    /// conflict reruns the pipeline. A claimed nonce is given back when the attestation is refused.
    /// </summary>
    public static async Task<(long Version, SignatureResult Signature)> RecordChipAsync(
        ChipPipeline chips, AttestationSigning signing, AttestationSignatureInput input, string chipId, Guid eventId, Actor actor, long? expectedVersion,
        Action<ChipState> check, Func<Task<SignatureResult>> claimSignature, Func<SignatureResult, AttestChipLocation> build, CommandMetadata metadata,
        CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId))
        {
            throw new ChipNotFoundException();
        }
        SignatureResult? signature = null;
        var rules = new ChipWriteRules { RelationCode = ChipErrors.NotFacilityOperator, RequiresParty = false, ExpectedVersion = expectedVersion };
        CommandResult result;
        try
        {
            result = await chips.RunAsync(chipId, actor, rules, async state =>
            {
                check(state);
                signature ??= await claimSignature();
                return build(signature.Value);
            }, metadata, cancellationToken);
        }
        catch
        {
            if (signature is { } claimed) await signing.ReleaseAsync(claimed, input, eventId, CancellationToken.None);
            throw;
        }
        if (!result.IsAccepted && signature is { } refused)
        {
            await signing.ReleaseAsync(refused, input, eventId, CancellationToken.None);
        }
        ChipWrites.EnsureWritten(result);
        return (result.VersionOf(StreamKeys.Chip(chipId)), signature!.Value);
    }

    /// <summary>Records a cluster's attestations in one multi-stream append (all or none); the new version of each chip.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> RecordClusterAsync(
        CommandPipeline commands, AttestationSigning signing, SignatureResult signature, AttestationSignatureInput input, Guid claimant,
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
