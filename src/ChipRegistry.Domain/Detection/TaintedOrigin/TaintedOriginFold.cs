using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.TaintedOrigin;

/// <summary>
/// Folds a chip's stream for rule 15 in business-time order (sequence order among equal times), the chip's state
/// evolved from the events that stand (voided ones and their cascade left out); a voided installation is kept, marked
/// voided. Each installation at a registered facility of a chip whose model is PRC-designed and 3A090-class on the
/// installation date is kept, with the act that ended the installation (a removal, destruction, a report of loss).
/// </summary>
public static class TaintedOriginFold
{
    /// <summary>What the rule knows of the chip's model when an installation was recorded.</summary>
    /// <param name="DesignerId">The model's manufacturer.</param>
    /// <param name="PrcDesigned">The manufacturer, or its ultimate parent, in China (Hong Kong as China) on the date.</param>
    public sealed record Origin(string ModelId, string DesignerId, bool PrcDesigned, Classification? Class);

    /// <param name="originAt">The chip's model and designer as known at a sequence number, judged at an instant; null when unknown.</param>
    /// <param name="registered">Whether the facility was registered at a sequence number.</param>
    public static IReadOnlyList<TaintedInstallation> Of(
        string chipId, IReadOnlyList<SequencedChipEvent> stream, Func<string, long, Instant, Origin?> originAt, Func<string, long, bool> registered)
    {
        ArgumentNullException.ThrowIfNull(originAt);
        ArgumentNullException.ThrowIfNull(registered);
        ArgumentNullException.ThrowIfNull(stream);
        var voidedEvents = stream.Any(e => e.Event is ChipEventVoided) ? ChipHistory.Fold(chipId, stream.Select(e => e.Event)).Voided : [];
        var ordered = stream.Where(e => e.Event is not ChipEventVoided).OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.SeqId);
        var installations = new List<TaintedInstallation>();
        var state = ChipState.Initial(chipId);
        TaintedInstallation? current = null;
        foreach (var (seqId, e) in ordered.Select(x => (x.SeqId, x.Event)))
        {
            var voided = voidedEvents.Contains(e.EventId);
            if (!voided) state = ChipState.Evolve(state, e);
            if (e is ChipInstalled i && (voided || state.Stage == ChipStage.Installed))
            {
                if (!voided) current = null;
                if (registered(i.FacilityId, seqId) && originAt(chipId, seqId, i.OccurredAt) is { PrcDesigned: true, Class: { IsControlled: true } c } origin)
                {
                    var installation = new TaintedInstallation(chipId, seqId, i.FacilityId, i.Country, i.OperatorId, i.OccurredAt, origin.ModelId,
                        origin.DesignerId, c.Class.ToCode(), null, null, voided);
                    installations.Add(installation);
                    if (!voided) current = installation;
                }
            }
            else if (voided)
            {
                continue;
            }
            else if (current is not null && state.Stage != ChipStage.Installed)
            {
                installations[installations.IndexOf(current)] = current with { RemovedAt = e.OccurredAt, RemovalSeqId = seqId };
                current = null;
            }
        }
        return installations;
    }

    /// <summary>The rule version in force on the date: the 2023 rule from 2023-11-17, the 2022 rule's thresholds before.</summary>
    public static RuleVintage VintageOn(LocalDate date) => date >= new LocalDate(2023, 11, 17) ? RuleVintage.Rule2023 : RuleVintage.Rule2022;
}
