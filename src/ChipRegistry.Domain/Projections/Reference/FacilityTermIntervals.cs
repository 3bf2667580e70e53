using ChipRegistry.Domain.Facilities;
using NodaTime;

namespace ChipRegistry.Domain.Projections.Reference;

/// <summary>
/// A facility's terms over time from its whole stream, in business time whatever the order of report: the
/// registrant runs it from its registration until the first hand-over (each takes effect at the start of its UTC
/// day, never before the registration), and each power declaration holds from its own time. Among equal times the
/// later record wins.
/// </summary>
public static class FacilityTermIntervals
{
    public static IReadOnlyList<FacilityTermInterval> Of(IReadOnlyList<IFacilityEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.OfType<FacilityRegistered>().FirstOrDefault() is not { } registered) return [];
        var start = registered.OccurredAt;
        Instant AtOrAfterStart(Instant at) => at < start ? start : at;

        var operators = InForceOrder(stream.OfType<FacilityOperatorChanged>().Select(e => (AtOrAfterStart(Intervals.StartOf(e.EffectiveFrom)), e.OperatorId)));
        var powers = InForceOrder(stream.OfType<FacilityPowerDeclared>().Select(e => (AtOrAfterStart(e.OccurredAt), (decimal?)e.DeclaredPowerMw)));

        var points = operators.Select(o => o.At).Concat(powers.Select(p => p.At)).Append(start).Distinct().Order()
            .Select(at => (at, (Operator: LastAt(operators, at) ?? registered.OperatorId, Power: LastAt(powers, at) ?? registered.DeclaredPowerMw)));
        return [.. Intervals.Of(points).Select(i => new FacilityTermInterval(registered.FacilityId, i.From, i.To, i.Value.Operator, registered.Country, i.Value.Power))];
    }

    /// <summary>By time in force, then order of record (a stable sort keeps the stream's order among equal times).</summary>
    private static List<(Instant At, T Value)> InForceOrder<T>(IEnumerable<(Instant At, T Value)> changes) => [.. changes.OrderBy(c => c.At)];

    private static T? LastAt<T>(List<(Instant At, T Value)> changes, Instant at)
    {
        T? value = default;
        foreach (var change in changes)
        {
            if (change.At > at) break;
            value = change.Value;
        }
        return value;
    }
}
