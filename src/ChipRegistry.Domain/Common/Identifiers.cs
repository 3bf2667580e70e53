using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// The one grammar of every identifier a client chooses for a new record (organisation, model, facility, cluster,
/// licence, notification, assembly, lot): 1 to <see cref="MaxLength"/> characters, lower-case ASCII letters, digits,
/// '-', '_' and '.', starting with a letter or digit. So an id is never a control character, a bidirectional
/// override, a zero-width space or a homoglyph (<c>nvіdia</c> with a Cyrillic і), never differs from another only in
/// case (<c>NVIDIA</c> beside <c>nvidia</c>), and never carries '/', ':' or '%' into a stream key, a chip id or a URL.
/// Ids already stored under an older, looser rule stay readable: only new records are checked.
/// </summary>
public static partial class Identifiers
{
    public const int MaxLength = 64;

    /// <summary>A new id that breaks the grammar (422).</summary>
    public const string InvalidId = "invalid_id";

    /// <summary>A new id the registry keeps for itself or that reads as a role (422).</summary>
    public const string ReservedId = "reserved_id";

    /// <summary>
    /// Names no client may take, whatever the record: the built-in registry organisation, the roles and kinds of
    /// organisation (an agency called <c>agency</c> or <c>registry</c> would pass for the real one in a log or a
    /// listing), and words that read as something other than a record in a URL or a UI.
    /// </summary>
    public static FrozenSet<string> Reserved { get; } = new[]
    {
        "registry", "admin", "administrator", "root", "system", "api", "agency", "government", "manufacturer", "distributor",
        "forwarder", "integrator", "operator", "end_user", "end-user", "owner", "support", "security", "internal", "anonymous",
        "unknown", "none", "null", "nil", "undefined", "self", "me", "all", "any", "new", "default",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [InvalidId] = ErrorKind.Invalid,
        [ReservedId] = ErrorKind.Invalid,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    /// <summary>Whether <paramref name="id"/> follows the grammar (reserved names included).</summary>
    public static bool IsWellFormed(string? id) => id is { Length: > 0 and <= MaxLength } && Grammar().IsMatch(id);

    /// <summary>Why <paramref name="id"/> cannot name a new record (field <paramref name="field"/>), or null if it can.</summary>
    public static DomainError? ProblemWithNew(string? id, string field)
    {
        if (!IsWellFormed(id))
        {
            return new DomainError(InvalidId, $"{field} must be 1 to {MaxLength} lower-case ASCII letters, digits, '-', '_' or '.', starting with a letter or digit");
        }
        return Reserved.Contains(id!) ? new DomainError(ReservedId, $"{field} '{id}' is reserved") : null;
    }
}
