using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChipRegistry.Domain.Detection.Flags;

/// <summary>
/// A flag's id derives from its rule, its subject and its first evidence (the lowest sequence number of the events that
/// define its group), never from a counter or the clock, so a rebuild gives every flag the id it had and the reviews
/// recorded against that id still find it. A rule whose groups of one subject can share their first evidence names
/// the group as well (<paramref name="group"/>: rule 7's rule date, since every rule date's group of an organisation
/// starts at its first acquisition).
/// </summary>
public static class FlagIds
{
    public static string Of(int rule, FlagSubject subject, long firstEvidence, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var seed = string.Create(CultureInfo.InvariantCulture, $"{rule}|{subject.Kind}|{subject.Id}|{firstEvidence}{(group is null ? "" : "|" + group)}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return string.Create(CultureInfo.InvariantCulture, $"r{rule:00}-{Convert.ToHexStringLower(hash, 0, 10)}");
    }

    /// <summary>The rule an id names, or null when the text is not a flag id.</summary>
    public static int? RuleOf(string id) =>
        id is { Length: 24 } && id[0] == 'r' && id[3] == '-' && int.TryParse(id.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var rule)
            && rule is >= 1 and <= 17 && id.AsSpan(4).ContainsAnyExcept("0123456789abcdef") is false
            ? rule : null;
}
