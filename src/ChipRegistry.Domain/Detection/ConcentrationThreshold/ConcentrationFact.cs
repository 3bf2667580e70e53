using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.ConcentrationThreshold;

/// <summary>
/// One chip's share of an aggregate rule 14 watches: an installation counted at its facility, its operator (when the
/// operator has a parent), its operator's ultimate parent and its country (a Tier-2 one) from <see cref="From"/> until
/// <see cref="Until"/> (the chip leaving the facility; null while it stays), or an acquisition by a Tier-2 customer
/// counted in its calendar year for good. <see cref="Weight"/> is the chip's H100e, or its TPP for the country leg, from
/// its model's spec in force then. A voided act is kept, marked, so the group's first evidence never moves.
/// </summary>
public sealed record ConcentrationFact(
    string ChipId, long SeqId, string GroupKey, string Leg, string SubjectId, string Country, Instant From, Instant? Until, decimal Weight, bool Voided)
    : IVoidableFact
{
    public const string Facility = "facility";
    public const string Operator = "operator";
    public const string UltimateParent = "ultimate_parent";
    public const string TierTwoCountry = "country";
    public const string Customer = "customer";

    /// <summary>The group of a leg's subject (and calendar year, for a customer).</summary>
    public static string KeyOf(string leg, string subjectId, int? year = null) => year is { } y ? $"{leg}|{subjectId}|{y}" : $"{leg}|{subjectId}";

    /// <summary>An installation or acquisition of a chip, before its weight and parties are judged.</summary>
    public sealed record Act(long SeqId, IChipEvent Event, Instant? Until, bool Voided);

    /// <summary>
    /// The chip's installations (each until the chip is removed, installed again, shipped, returned, decommissioned,
    /// destroyed or reported missing) and acquisitions, in business-time order; voided events neither start nor end an
    /// installation, and a voided act is kept, marked.
    /// </summary>
    public static IReadOnlyList<Act> ActsOf(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var acts = new List<Act>();
        int? open = null;
        void End(Instant at)
        {
            if (open is { } index) acts[index] = acts[index] with { Until = at };
            open = null;
        }
        foreach (var (seqId, e) in stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId)
                     .Select(x => (x.SeqId, x.Event)))
        {
            var voided = history.Voided.Contains(e.EventId);
            switch (e)
            {
                case ChipInstalled:
                    if (!voided) End(e.OccurredAt);
                    acts.Add(new Act(seqId, e, null, voided));
                    if (!voided) open = acts.Count - 1;
                    break;
                case ChipSaleAccepted:
                    acts.Add(new Act(seqId, e, null, voided));
                    break;
                case ChipRemoved or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed or ChipMissingReported when !voided:
                    End(e.OccurredAt);
                    break;
            }
        }
        return acts;
    }

    public static bool Matters(object data) =>
        data is ChipInstalled or ChipSaleAccepted or ChipRemoved or ChipShipped or ChipReturned or ChipDecommissioned or ChipDestroyed
            or ChipMissingReported or ChipEventVoided;
}
