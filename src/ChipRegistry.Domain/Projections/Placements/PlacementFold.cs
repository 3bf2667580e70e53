using ChipRegistry.Domain.Chips;
using NodaTime;

namespace ChipRegistry.Domain.Projections.Placements;

/// <summary>
/// A chip's stays, folded from its whole stream. Voided events (and their dependents) are left out, then the
/// rest is applied in business-time order (sequence order among equal times), whatever order it was reported in:
/// a late report lands where it happened and splits or shortens the stays around it. Only what places the chip
/// starts a stay (custody, ownership, installation, tenancy, packing, end of life); observations, attestations,
/// holds and offers never move it.
/// </summary>
public static class PlacementFold
{
    public static IReadOnlyList<Placement> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        var effective = Effective(chipId, stream);

        var stays = new List<Placement>();
        var state = ChipState.Initial(chipId);
        long tenancySeqId = 0;
        for (var k = 0; k < effective.Count; k++)
        {
            var (seqId, e) = (effective[k].SeqId, effective[k].Event);
            state = ChipState.Evolve(state, e);
            if (e is ChipTenantAssigned) tenancySeqId = seqId;
            var from = e.OccurredAt;
            Instant? until = k + 1 < effective.Count ? effective[k + 1].Event.OccurredAt : null;
            if (until == from) continue;

            // A tenancy starts and ends at its own times, which may fall between two events.
            var cuts = TenancyCuts(state, from, until);
            var start = from;
            var cause = seqId;
            foreach (var cut in cuts.Append(until))
            {
                Extend(stays, Stay(state, start, cause), start, cut);
                if (cut is { } next)
                {
                    start = next;
                    cause = tenancySeqId;
                }
            }
        }
        return stays;
    }

    /// <summary>
    /// The stream without its voided events (and those that rested on them, through the void's cascade), in
    /// business-time order, sequence order among equal times. Only a void voids anything, so a stream without one
    /// skips the history fold that follows the cascade.
    /// </summary>
    public static List<SequencedChipEvent> Effective(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var voided = stream.Any(e => e.Event is ChipEventVoided)
            ? ChipHistory.Fold(chipId, stream.Select(e => e.Event)).Voided
            : [];
        return [.. stream
            .Where(e => e.Event is not ChipEventVoided && !voided.Contains(e.Event.EventId))
            .OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)];
    }

    private static IEnumerable<Instant?> TenancyCuts(ChipState state, Instant from, Instant? until)
    {
        if (state.Tenancy is not { } tenancy) return [];
        return new Instant?[] { tenancy.From, tenancy.To }
            .Where(t => t is { } at && at > from && (until is null || at < until))
            .Distinct()
            .Order();
    }

    /// <summary>Where the chip is at <paramref name="at"/> in <paramref name="s"/>, or null before it exists.</summary>
    private static Placement? Stay(ChipState s, Instant at, long cause)
    {
        if (s.Stage == ChipStage.Unregistered) return null;
        var installation = s.Stage == ChipStage.Installed ? s.Installation : null;
        var tenant = installation is not null && s.Tenancy is { } t && t.From <= at && (t.To is null || at < t.To) ? t.TenantId : null;
        return new Placement(s.ChipId, 0, at, null, s.Stage, s.ModelId, s.OwnerId, s.CustodianId, s.LocationCountry,
            installation?.FacilityId, installation?.ClusterId, installation?.OperatorId, tenant, s.AssemblyId, cause);
    }

    /// <summary>Appends [from, to) as a stay, or lengthens the last one when nothing but time changed.</summary>
    private static void Extend(List<Placement> stays, Placement? stay, Instant from, Instant? to)
    {
        var last = stays.Count > 0 ? stays[^1] : null;
        if (last is not null && last.To == from && stay is not null && SamePlace(last, stay))
        {
            stays[^1] = last with { To = to };
            return;
        }
        if (stay is null) return;
        stays.Add(stay with { Ordinal = stays.Count + 1, From = from, To = to });
    }

    private static bool SamePlace(Placement a, Placement b) =>
        a.Status == b.Status && a.ModelId == b.ModelId && a.OwnerId == b.OwnerId && a.CustodianId == b.CustodianId
        && a.Country == b.Country && a.FacilityId == b.FacilityId && a.ClusterId == b.ClusterId && a.OperatorId == b.OperatorId
        && a.TenantId == b.TenantId && a.AssemblyId == b.AssemblyId;
}
