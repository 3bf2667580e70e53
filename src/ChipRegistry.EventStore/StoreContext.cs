using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>What every part of one store shares: where, which schema, how to serialise, and its options.</summary>
internal sealed class StoreContext
{
    private readonly NotifyThrottle throttle;

    public StoreContext(NpgsqlDataSource dataSource, SchemaName schema, EventStoreOptions options)
    {
        DataSource = dataSource;
        Schema = schema;
        Options = options;
        Serializer = new EventSerializer(options.EventTypes, options.ConfigureJson);
        Channel = NotificationChannelFor(schema);
        throttle = NotifyThrottle.For($"{dataSource.ConnectionString}|{Channel}", options.NotifyInterval);
    }

    public NpgsqlDataSource DataSource { get; }

    public SchemaName Schema { get; }

    public EventStoreOptions Options { get; }

    public EventSerializer Serializer { get; }

    public string Channel { get; }

    public IReadOnlyList<IInlineProjection> Projections => Options.InlineProjections;

    /// <summary>The channel to notify with this append, or null when notifying is off or throttled.</summary>
    public string? TakeNotifyChannel() => Options.NotifyOnAppend && throttle.TryTake() ? Channel : null;

    /// <summary>
    /// Channels are per database, not per schema, so the schema is in the name. PostgreSQL
    /// caps a channel name at 63 bytes; the longest schema names go without the suffix.
    /// </summary>
    private static string NotificationChannelFor(SchemaName schema) =>
        schema.Value.Length + "_events".Length <= 63 ? $"{schema.Value}_events" : schema.Value;

    public async Task RunProjectionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object>? snapshots = null)
    {
        var session = new ProjectionSession(connection, transaction, Schema, new EventReader(this), snapshots);
        foreach (var projection in Projections)
        {
            await projection.ApplyAsync(session, events, cancellationToken);
        }
    }
}
