using NodaTime;

namespace ChipRegistry.Domain.Projections.Reference;

/// <summary>An organisation's direct parent and ultimate parent (itself when it has none) over <c>[From, To)</c>.</summary>
public sealed record OrganisationParentInterval(string OrganisationId, Instant From, Instant? To, string? ParentId, string UltimateParentId, string UltimateCountry);

/// <summary>Who ran a facility, where, and with what declared power over <c>[From, To)</c>.</summary>
public sealed record FacilityTermInterval(string FacilityId, Instant From, Instant? To, string OperatorId, string Country, decimal DeclaredPowerMw);

/// <summary>The specification of a model in force over <c>[From, To)</c>, as its TPP and TDP.</summary>
public sealed record ModelSpecInterval(string ModelId, Instant From, Instant? To, decimal? Tpp, decimal? TdpW);

/// <summary>Turns a value known at each of a sorted list of instants into intervals, joining neighbours that are equal.</summary>
internal static class Intervals
{
    public static IEnumerable<(Instant From, Instant? To, T Value)> Of<T>(IEnumerable<(Instant At, T Value)> points)
    {
        var merged = new List<(Instant From, T Value)>();
        foreach (var (at, value) in points)
        {
            if (merged.Count > 0 && EqualityComparer<T>.Default.Equals(merged[^1].Value, value)) continue;
            merged.Add((at, value));
        }
        for (var k = 0; k < merged.Count; k++)
        {
            yield return (merged[k].From, k + 1 < merged.Count ? merged[k + 1].From : null, merged[k].Value);
        }
    }

    /// <summary>The start of a UTC day: when a date-effective change takes effect.</summary>
    public static Instant StartOf(LocalDate date) => date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
}
