using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Projections.Placements;
using NodaTime;

namespace ChipRegistry.Domain.Detection.PreRuleSurge;

/// <summary>
/// A chip acquired by an organisation, counted for <see cref="SubjectId"/>: the acquirer itself, and once more for its
/// ultimate parent when it has one (as the registry knew it when the acquisition was recorded). Acquired = ownership
/// accepted (<c>chip_sale_accepted</c>, the buyer); the manufacturer acquires at <c>chip_fabricated</c>. Kept, marked,
/// when voided, so a flag's first evidence never moves.
/// </summary>
public sealed record SurgeAcquisition(string ChipId, long SeqId, string SubjectId, string ModelId, Instant At, bool Voided) : IVoidableFact
{
    /// <summary>The chip's acquisitions in its stream: who acquired it, when, of which model, voided ones marked (with their cascade).</summary>
    public static IEnumerable<(long SeqId, string AcquirerId, string ModelId, Instant At, bool Voided)> Of(string chipId, IReadOnlyList<SequencedChipEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var history = ChipHistory.Fold(chipId, stream.Select(e => e.Event));
        var model = stream.Select(e => e.Event).OfType<ChipFabricated>().FirstOrDefault()?.ModelId;
        if (model is null) yield break;
        foreach (var e in stream)
        {
            var acquirer = e.Event switch
            {
                ChipFabricated made => made.ManufacturerId,
                ChipSaleAccepted sale => sale.BuyerId,
                _ => null,
            };
            if (acquirer is not null) yield return (e.SeqId, acquirer, model, e.Event.OccurredAt, history.Voided.Contains(e.Event.EventId));
        }
    }

    /// <summary>Whether an event can change a chip's acquisitions.</summary>
    public static bool Matters(object data) => data is ChipFabricated or ChipSaleAccepted or ChipEventVoided;
}
