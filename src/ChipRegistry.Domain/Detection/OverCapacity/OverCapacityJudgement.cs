using ChipRegistry.Domain.Detection.CustodyGap;
using ChipRegistry.Domain.Detection.Flags;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Domain.Detection.OverCapacity;

/// <summary>
/// Rule 10, over capacity (docs/detection.md). Pure: a facility's stays, its power declarations and the PUE in force
/// in; one flag per episode out. The facility's load is replayed in business time: at each instant every change of that
/// instant applies (installations, ends, declarations) before the load is compared, so a swap at one instant never
/// crosses. An episode opens at the instant the installed chips x TDP x PUE first exceed the declared power and closes
/// when they are back at or under it.
/// </summary>
public static class OverCapacityJudgement
{
    public const int Rule = 10;

    private const decimal WattsPerMegawatt = 1_000_000m;

    private sealed record Change(Instant At, long SeqId, InstalledStay? Stay, bool Ends, DeclaredPower? Power);

    /// <summary>
    /// The facility's flags keyed by group (the facility and the crossing instant), each existing flag whose episode is
    /// gone withdrawn. <paramref name="country"/> is the facility's; <paramref name="pueAt"/> the PUE in force at an instant.
    /// </summary>
    public static IReadOnlyList<(string GroupKey, Flag Flag)> Judge(
        string facilityId, string? country, IReadOnlyList<InstalledStay> stays, IReadOnlyList<DeclaredPower> powers, Func<Instant, decimal> pueAt,
        IReadOnlyDictionary<string, Flag> existing)
    {
        ArgumentNullException.ThrowIfNull(stays);
        ArgumentNullException.ThrowIfNull(powers);
        ArgumentNullException.ThrowIfNull(pueAt);
        ArgumentNullException.ThrowIfNull(existing);
        var changes = stays.Select(s => new Change(s.InstalledAt, s.SeqId, s, false, null))
            .Concat(stays.Where(s => s.EndedAt is not null).Select(s => new Change(s.EndedAt!.Value, s.EndSeqId!.Value, s, true, null)))
            .Concat(powers.Select(p => new Change(p.At, p.SeqId, null, false, p)))
            .OrderBy(c => c.At).ThenBy(c => c.SeqId).ToList();

        var flags = new List<(string, Flag)>();
        var standing = new Dictionary<long, InstalledStay>();
        DeclaredPower? power = null;
        Episode? episode = null;
        foreach (var instant in changes.GroupBy(c => c.At))
        {
            foreach (var change in instant)
            {
                if (change.Power is { } declared) power = declared;
                else if (change.Ends) standing.Remove(change.Stay!.SeqId);
                else standing[change.Stay!.SeqId] = change.Stay;
            }
            var pue = pueAt(instant.Key);
            var drawn = standing.Values.Sum(s => s.TdpWatts ?? 0m) * pue;
            var over = power is not null && drawn > power.Megawatts * WattsPerMegawatt;
            if (over && episode is null)
            {
                // What raised the load or lowered the power at this instant; a change of PUE alone names every change of the instant.
                var raising = instant.Where(c => (c.Stay is not null && !c.Ends) || c.Power is not null).ToList();
                episode = new Episode(instant.Key, raising.Count > 0 ? raising : [.. instant], power!, standing.Count, drawn, pue);
            }
            else if (over && episode is not null)
            {
                episode.Peak = Math.Max(episode.Peak, drawn / (power!.Megawatts * WattsPerMegawatt));
            }
            else if (!over && episode is not null)
            {
                flags.Add(episode.ToFlag(facilityId, country, instant.Key, [.. instant.Select(c => c.SeqId)]));
                episode = null;
            }
        }
        if (episode is not null) flags.Add(episode.ToFlag(facilityId, country, null, []));

        var judged = flags.Select(f => f.Item1).ToHashSet(StringComparer.Ordinal);
        foreach (var (group, flag) in existing.Where(e => !judged.Contains(e.Key) && !e.Value.Withdrawn))
        {
            flags.Add((group, flag with { Withdrawn = true, Explanation = $"withdrawn: the load of {facilityId} is no longer above its declared power from that instant" }));
        }
        return flags;
    }

    private sealed class Episode(Instant at, IReadOnlyList<Change> crossing, DeclaredPower power, int chips, decimal drawnWatts, decimal pue)
    {
        public decimal Peak { get; set; } = drawnWatts / (power.Megawatts * WattsPerMegawatt);

        public (string, Flag) ToFlag(string facilityId, string? country, Instant? closedAt, IReadOnlyList<long> closing)
        {
            var subject = new FlagSubject(FlagSubjectKinds.Facility, facilityId);
            var evidence = crossing.Select(c => c.SeqId).Append(power.SeqId).Concat(closing).Distinct().Order().ToList();
            var explanation =
                $"{chips} {(chips == 1 ? "chip" : "chips")} installed at {facilityId} draw {Megawatts(drawnWatts / pue)} MW x {Invariant.Number(pue)} PUE = "
                + $"{Megawatts(drawnWatts)} MW from {Invariant.Day(at)}, above its declared {Megawatts(power.Megawatts * WattsPerMegawatt)} MW"
                + (closedAt is { } closed ? $"; back under on {Invariant.Day(closed)}" : "");
            return (string.Join('|', facilityId, InstantPattern.ExtendedIso.Format(at)), new Flag(
                FlagIds.Of(Rule, subject, crossing.Min(c => c.SeqId)),
                Rule,
                Peak > 2m ? FlagSeverities.High : FlagSeverities.Medium,
                subject,
                country,
                at,
                closedAt,
                false,
                evidence,
                [.. crossing.Where(c => c.Stay is not null).Select(c => c.Stay!.ChipId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                explanation));
        }

        private static string Megawatts(decimal watts) => decimal.Round(watts / WattsPerMegawatt, 4).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
    }
}
