namespace ChipRegistry.Domain.Common;

/// <summary>Codes of the command pipeline itself rather than of one feature's decision.</summary>
public static class CommandErrors
{
    /// <summary>The command named a version (If-Match) and the stream is at another.</summary>
    public const string VersionMismatch = "version_mismatch";

    /// <summary>A refusal that carries no code of its own.</summary>
    public const string Rejected = "rejected";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [VersionMismatch] = ErrorKind.PreconditionFailed,
        [Rejected] = ErrorKind.Invalid,
    };
}
