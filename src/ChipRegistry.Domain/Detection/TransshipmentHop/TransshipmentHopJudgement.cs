using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Policy;

namespace ChipRegistry.Domain.Detection.TransshipmentHop;

/// <summary>Rule 6, transshipment hop (docs/detection.md). Pure: the re-export act's shipments in, its flag out.</summary>
public static class TransshipmentHopJudgement
{
    public const int Rule = 6;

    /// <summary>Opened at the re-export; never closes (a fact); withdrawn once every re-export of the act (or its arrival) is voided.</summary>
    public static Flag? Judge(IReadOnlyList<HubReexport> group, Flag? existing)
    {
        if (VoidableEvidence<HubReexport>.Of(group) is not { } evidence) return existing is null ? null : existing with { Withdrawn = true };
        var (first, live, behind) = evidence;
        var subject = new FlagSubject(FlagSubjectKinds.Organisation, first.ShipperId);
        var restricted = CountryGroups.IsD5OrMacau(Countries.AsTreatedByEar(first.DestinationCountry), first.ShippedAt.InUtc().Date);
        var explanation = live.Count == 0
            ? $"withdrawn: the re-export by {first.ShipperId} from {first.HubCountry} to {first.DestinationCountry} on {Invariant.Day(first.ShippedAt)} "
              + "or the arrival before it was voided"
            : $"{live.Count} {(live.Count == 1 ? "chip" : "chips")} received in the hub {first.HubCountry} from {Invariant.Day(live.Min(r => r.ArrivedAt))} "
              + $"{(live.Count == 1 ? "was" : "were")} shipped on by {first.ShipperId} to {first.ConsigneeId} in {first.DestinationCountry} on "
              + $"{Invariant.Day(first.ShippedAt)}, {Invariant.Number(decimal.Round(live.Max(r => r.DaysAfterArrival), 1))} days after arrival "
              + $"(within {Invariant.Number(first.WindowDays)})";
        return new Flag(
            FlagIds.Of(Rule, subject, first.SeqId),
            Rule,
            restricted ? FlagSeverities.Critical : FlagSeverities.High,
            subject,
            first.DestinationCountry,
            first.ShippedAt,
            null,
            evidence.Withdrawn,
            [.. behind.SelectMany(r => new[] { r.ArrivalSeqId, r.SeqId }).Distinct().Order()],
            evidence.Chips,
            explanation);
    }
}
