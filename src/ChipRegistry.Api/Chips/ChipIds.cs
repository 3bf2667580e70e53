using System.Text.RegularExpressions;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Api.Chips;

/// <summary>
/// The shape of a registry chip id: the manufacturer's organisation id, a colon, and the manufacturer's serial
/// (<c>nvidia:1652223004561</c>). A new chip's serial follows <see cref="Serials"/> (1 to 64 ASCII letters, digits,
/// '.', '_' and '-'); an id that addresses a chip may still carry the up to 100 characters ids had before that rule, so
/// stored chips stay readable. Either way an id never carries quotes, spaces, slashes or control characters into a
/// path, a log line or a query.
/// </summary>
public static partial class ChipIds
{
    public const int MaxLength = 200;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,98}:[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChipId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex LotId();

    /// <summary>
    /// An existing lot's id as it may be addressed: letters, digits, '.', '_', ':' and '-' (1 to 100 characters); it
    /// appears in paths (<c>/lots/{lotId}/hold</c>). A new lot's id follows <see cref="Identifiers"/>.
    /// </summary>
    public static bool IsWellFormedLotId(string? lotId) => lotId is not null && LotId().IsMatch(lotId);

    /// <summary>Whether <paramref name="chipId"/> can name a chip at all; anything else is answered like an unknown chip.</summary>
    public static bool IsWellFormed(string? chipId) => chipId is { Length: > 0 and <= MaxLength } && ChipId().IsMatch(chipId);

    /// <summary>Whether <paramref name="chipId"/> is <c>{manufacturerId}:</c> followed by anything (whose grammar <see cref="Serials"/> checks).</summary>
    public static bool BelongsTo(string chipId, string manufacturerId) =>
        chipId.Length > manufacturerId.Length + 1
        && chipId.StartsWith(manufacturerId, StringComparison.Ordinal)
        && chipId[manufacturerId.Length] == ':';
}
