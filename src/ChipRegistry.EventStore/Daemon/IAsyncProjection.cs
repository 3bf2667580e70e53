using System.Text.RegularExpressions;

namespace ChipRegistry.EventStore;

/// <summary>
/// A projection the async daemon runs outside the append's transaction. It writes only its own
/// tables (declared in <see cref="Tables"/>, always addressed through
/// <see cref="AsyncProjectionBatch.Table"/> so a rebuild can point it at shadow copies) and
/// must keep no state outside them: the daemon commits the writes of a batch together with the
/// projection's checkpoint, and rolls both back on any failure.
/// </summary>
public interface IAsyncProjection
{
    /// <summary>Unique per store schema; the checkpoint row and the leadership key use it.</summary>
    string Name { get; }

    /// <summary>
    /// The version of its code and tables. When the version stored with its checkpoint differs, the daemon rebuilds it
    /// in the shadow at start and keeps serving the old tables until the swap (docs/daemon.md, "Versions").
    /// </summary>
    int Version => 1;

    /// <summary>The tables it owns in the store's schema; the daemon creates missing ones at start.</summary>
    IReadOnlyList<ProjectionTable> Tables { get; }

    /// <summary>
    /// False for a set-based projection that reads the batch's range of the events table in
    /// SQL itself: the daemon then loads no events for it (<see cref="AsyncProjectionBatch.Events"/> is empty).
    /// </summary>
    bool ReadsEvents => true;

    /// <summary>Applies the batch's events, in sequence order. Throwing fails the batch (see <see cref="DeadLetterPolicy"/>).</summary>
    Task ApplyAsync(AsyncProjectionBatch batch, CancellationToken cancellationToken);
}

/// <summary>
/// A table of an async projection: its name (unqualified, in the store's schema) and the body of
/// its <c>create table</c> statement, e.g. <c>(stream_key text primary key, events bigint not null)</c>.
/// <see cref="Indexes"/> are the bodies of its <c>create index</c> statements after the table's name, e.g.
/// <c>using gist (tstzrange(valid_from, valid_to))</c>; they are created with the table. A rebuild copies both
/// with <c>create table ... (like live including all)</c>.
/// </summary>
public sealed partial record ProjectionTable
{
    public ProjectionTable(string name, string definition, IReadOnlyList<string>? indexes = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(definition);
        // The shadow's name adds "__rebuild" and must stay within PostgreSQL's 63 bytes.
        if (!Identifier().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid projection table name: use ^[a-z_][a-z0-9_]{{0,53}}$.", nameof(name));
        }
        Name = name;
        Definition = definition;
        Indexes = indexes ?? [];
    }

    public string Name { get; }

    public string Definition { get; }

    public IReadOnlyList<string> Indexes { get; }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,53}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

/// <summary>What the daemon does when an event fails to apply (the batch is retried event by event to find it).</summary>
public enum DeadLetterPolicy
{
    /// <summary>Record the event in dead_letters with its error and go on: the checkpoint passes it.</summary>
    Continue,

    /// <summary>Record it and stop the projection just below it until a rebuild applies it.</summary>
    Halt,
}

/// <summary>An async projection with the policy for events it fails on.</summary>
public sealed record AsyncProjectionRegistration(IAsyncProjection Projection, DeadLetterPolicy OnFailure = DeadLetterPolicy.Continue)
{
    public string Name => Projection.Name;
}
