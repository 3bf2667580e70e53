using System.Globalization;

namespace ChipRegistry.EventStore;

/// <summary>
/// What the caller believes a stream's version is: exactly n (n >= 1), not yet created, or
/// anything. A stream that does not exist has version 0.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long encoded) => Encoded = encoded;

    public static ExpectedVersion Any { get; } = new(-1);

    public static ExpectedVersion NoStream { get; } = new(0);

    public static ExpectedVersion Exactly(long version) => version >= 1
        ? new ExpectedVersion(version)
        : throw new ArgumentOutOfRangeException(nameof(version), version, "A stream's version starts at 1; use ExpectedVersion.NoStream for a new stream.");

    /// <summary>The form the append function takes: n, 0 for no stream, -1 for any.</summary>
    internal long Encoded { get; }

    public bool IsAny => Encoded == -1;

    public override string ToString() => Encoded switch
    {
        -1 => "any",
        0 => "no stream",
        _ => Encoded.ToString(CultureInfo.InvariantCulture),
    };
}
