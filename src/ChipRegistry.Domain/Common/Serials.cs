using System.Text.RegularExpressions;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// A manufacturer's chip serial and the registry chip id built from it, <c>{manufacturerId}:{serial}</c>. A serial is
/// 1 to <see cref="MaxLength"/> ASCII letters, digits, '-', '.' and '_'. Serials are case-insensitive within a
/// manufacturer: <c>nvidia:bd-2</c> and <c>nvidia:BD-2</c> are one chip (a serial relabelled in another case is how
/// servers were passed through audits), so a chip is kept under the serial as first registered and found by any case.
/// </summary>
public static partial class Serials
{
    public const int MaxLength = 64;

    /// <summary>A chip id whose serial breaks the grammar (422).</summary>
    public const string InvalidSerial = "invalid_serial";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [InvalidSerial] = ErrorKind.Invalid,
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    public static bool IsWellFormed(ReadOnlySpan<char> serial) => serial.Length is > 0 and <= MaxLength && Grammar().IsMatch(serial);

    /// <summary>
    /// Why <paramref name="chipId"/> cannot name a new chip, or null: it is <c>{manufacturer}:{serial}</c> with a
    /// non-empty manufacturer part and a serial of the grammar.
    /// </summary>
    public static DomainError? ProblemWithNewChipId(string? chipId)
    {
        var colon = chipId?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && IsWellFormed(chipId.AsSpan(colon + 1))
            ? null
            : new DomainError(InvalidSerial, $"a chip id is {{manufacturer}}:{{serial}}, the serial 1 to {MaxLength} ASCII letters, digits, '-', '.' or '_'");
    }

    /// <summary>The form two chip ids share when they name one chip: lower case (as PostgreSQL's <c>lower()</c> folds ASCII).</summary>
    public static string Folded(string chipId) => chipId.ToLowerInvariant();

    /// <summary>Compares chip ids as one chip or not (ordinal, ignoring the case of ASCII letters).</summary>
    public static StringComparer ChipIdComparer => StringComparer.OrdinalIgnoreCase;
}
