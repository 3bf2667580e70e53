using System.Text.Json;

namespace ChipRegistry.EventStore;

/// <summary>How a <see cref="PostgresEventStore"/> is set up; the schema name is validated at start.</summary>
public sealed class EventStoreOptions(EventTypeRegistry eventTypes)
{
    public const string DefaultSchema = "chipregistry";

    public EventTypeRegistry EventTypes { get; } = eventTypes ?? throw new ArgumentNullException(nameof(eventTypes));

    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Adjusts the JSON options of stored event data (the NodaTime converters are already in).</summary>
    public Action<JsonSerializerOptions>? ConfigureJson { get; init; }

    /// <summary>Run inside every append's transaction, in this order.</summary>
    public IReadOnlyList<IInlineProjection> InlineProjections { get; init; } = [];

    /// <summary>Other modules' migrations (the domain's projection tables), applied with the store's own.</summary>
    public IReadOnlyList<Migration> AdditionalMigrations { get; init; } = [];

    /// <summary>
    /// NOTIFY the schema's channel when an append commits, so a listening daemon wakes at once.
    /// Off, the daemon relies on polling alone.
    /// </summary>
    public bool NotifyOnAppend { get; init; } = true;

    /// <summary>
    /// At most one NOTIFY per channel per process per interval: a notifying commit takes a
    /// cluster-wide lock, so notifying on every append would serialise all commits.
    /// </summary>
    public TimeSpan NotifyInterval { get; init; } = TimeSpan.FromMilliseconds(5);
}
