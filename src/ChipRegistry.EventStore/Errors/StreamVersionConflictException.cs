namespace ChipRegistry.EventStore;

/// <summary>
/// An append found a stream at another version than the caller expected; nothing was appended.
/// Built from the request and the versions the store read, never from a server message.
/// </summary>
public sealed class StreamVersionConflictException : Exception
{
    public StreamVersionConflictException(IReadOnlyList<StreamVersionConflict> conflicts)
        : base(Describe(conflicts)) => Conflicts = conflicts;

    public StreamVersionConflictException()
        : this([])
    {
    }

    public StreamVersionConflictException(string message)
        : base(message) => Conflicts = [];

    public StreamVersionConflictException(string message, Exception innerException)
        : base(message, innerException) => Conflicts = [];

    public IReadOnlyList<StreamVersionConflict> Conflicts { get; }

    /// <summary>The first (for a single-stream append, the only) conflicting stream.</summary>
    public string StreamKey => Conflicts.Count > 0 ? Conflicts[0].StreamKey : "";

    public ExpectedVersion Expected => Conflicts.Count > 0 ? Conflicts[0].Expected : ExpectedVersion.Any;

    public long ActualVersion => Conflicts.Count > 0 ? Conflicts[0].ActualVersion : 0;

    private static string Describe(IReadOnlyList<StreamVersionConflict> conflicts)
    {
        const int shown = 5;
        var listed = string.Join(", ", conflicts.Take(shown).Select(c => $"'{c.StreamKey}' expected {c.Expected}, actual {c.ActualVersion}"));
        var more = conflicts.Count > shown ? $" and {conflicts.Count - shown} more" : "";
        return $"Stream version conflict on {conflicts.Count} stream(s): {listed}{more}.";
    }
}

/// <summary>One stream of a rejected append; an actual version of 0 means the stream does not exist.</summary>
public sealed record StreamVersionConflict(string StreamKey, ExpectedVersion Expected, long ActualVersion);
