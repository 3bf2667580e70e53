using ChipRegistry.Api.Problems;
using NodaTime;
using NodaTime.Text;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// UTC calendar days named in a query string (asOf, from, to): ISO yyyy-MM-dd within the years every stored date
/// lies in, refused with the caller's problem code; a day's bounds as instants.
/// </summary>
public static class QueryDays
{
    public static LocalDate Parse(string text, string field, string code)
    {
        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success && parsed.Value.Year is >= 1800 and <= 2200
            ? parsed.Value
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, code, $"{field} is not a date.", $"{field} is a calendar date, yyyy-MM-dd, between the years 1800 and 2200.");
    }

    public static Instant StartOf(LocalDate day) => day.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
}
