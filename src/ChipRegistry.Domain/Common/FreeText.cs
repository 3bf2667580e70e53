namespace ChipRegistry.Domain.Common;

/// <summary>
/// The rule for every free text a command carries (names, reasons, methods, circumstances, findings, notes): stored
/// NFC-normalised, not blank, at most <see cref="MaxNameLength"/> characters for a one-line name and
/// <see cref="MaxDetailLength"/> for a multi-line field (UTF-16 code units, after normalisation), and none of: a
/// control character (only a multi-line field may hold line breaks and tabs), a bidirectional embedding, override or
/// isolate (U+202A-U+202E, U+2066-U+2069, which make a text read differently than it is stored), an invisible character
/// that only hides a break or a join (U+200B, U+2060-U+2064, U+FEFF: two names that look alike would differ by it), or a
/// lone surrogate. The joiners U+200C and U+200D stay: scripts and emoji need them.
/// </summary>
public static class FreeText
{
    public const int MaxNameLength = 200;
    public const int MaxDetailLength = 2000;

    /// <summary>A free text breaks the rule (422).</summary>
    public const string InvalidText = "invalid_text";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [InvalidText] = ErrorKind.Invalid,
    };

    /// <summary>A one-line name (of an organisation, facility, cluster, model): NFC, 1 to 200 characters, no control characters.</summary>
    public static TextCheck Name(string? value, string field) => Check(value, field, MaxNameLength, multiLine: false);

    /// <summary>A multi-line text (a reason, a finding, circumstances): NFC, 1 to 2,000 characters, line breaks and tabs allowed.</summary>
    public static TextCheck Detail(string? value, string field) => Check(value, field, MaxDetailLength, multiLine: true);

    /// <summary>Like <see cref="Name"/> or <see cref="Detail"/>, for a field that may be absent (null passes as null).</summary>
    public static TextCheck Optional(string? value, string field, bool multiLine) =>
        value is null ? new TextCheck(null, null) : Check(value, field, multiLine ? MaxDetailLength : MaxNameLength, multiLine);

    private static TextCheck Check(string? value, string field, int maxLength, bool multiLine)
    {
        if (string.IsNullOrWhiteSpace(value)) return Refuse(field, "must not be blank");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return Refuse(field, $"holds a lone surrogate at {i}");
            if (IsBidiControl(c)) return Refuse(field, $"holds the bidirectional control U+{(int)c:X4} at {i}");
            if (IsInvisible(c)) return Refuse(field, $"holds the invisible character U+{(int)c:X4} at {i}");
            if (char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t'))
            {
                return Refuse(field, $"holds the control character U+{(int)c:X4} at {i}{(multiLine ? " (only line breaks and tabs are allowed)" : "")}");
            }
        }
        var normalised = Nfc.Normalize(value);
        return normalised.Length > maxLength ? Refuse(field, $"is longer than {maxLength:N0} characters") : new TextCheck(normalised, null);
    }

    /// <summary>Embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069).</summary>
    public static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    /// <summary>Zero-width space (U+200B), word joiner and invisible operators (U+2060-U+2064), zero-width no-break space (U+FEFF).</summary>
    public static bool IsInvisible(char c) => c is '\u200B' or >= '\u2060' and <= '\u2064' or '\uFEFF';

    /// <summary>
    /// True when <paramref name="value"/> holds a character no stored id or text can hold (a control, bidirectional or
    /// invisible character, a lone surrogate): for lookups, which refuse such a value instead of answering "not found".
    /// </summary>
    public static bool HoldsUnstorable(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || char.IsControl(c) || IsBidiControl(c) || IsInvisible(c)) return true;
        }
        return false;
    }

    private static TextCheck Refuse(string field, string why) => new(null, new DomainError(InvalidText, $"{field} {why}"));
}

/// <summary>A free text checked by <see cref="FreeText"/>: the NFC text to store, or why it is refused.</summary>
public sealed record TextCheck(string? Text, DomainError? Error);
