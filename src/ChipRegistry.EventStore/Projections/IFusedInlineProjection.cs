using Npgsql;

namespace ChipRegistry.EventStore;

/// <summary>
/// An inline projection that can write what a one-stream append does to it inside the append's own statement, as
/// data-modifying CTEs after the append's. The append and its projections then take one round trip and no explicit
/// transaction (one statement is atomic), where running them after the append takes three (the append, the
/// projection's writes, the commit). Possible only when the projection needs to read nothing, e.g. because the command
/// lent the stream's state with the append (<see cref="StreamAppend.Snapshot"/>).
/// </summary>
public interface IFusedInlineProjection : IInlineProjection
{
    /// <summary>
    /// The writes that apply <paramref name="events"/> (the append's events; their sequence numbers and recorded time
    /// are not known yet, so 0 and default), or null when this append needs <see cref="IInlineProjection.ApplyAsync"/>
    /// after it instead. Each statement is the body of a CTE: it may read the appended rows from the CTE
    /// <c>inserted(seq_id, version)</c>, which is empty when the append's version check fails, and must then write
    /// nothing. Its parameters are numbered from <paramref name="firstParameter"/>, in the order of the list.
    /// </summary>
    FusedWrites? Fuse(SchemaName schema, IReadOnlyList<StoredEvent> events, object? snapshot, int firstParameter);
}

/// <summary>Data-modifying CTE bodies and their parameters, numbered from the position the store gave.</summary>
public sealed record FusedWrites(IReadOnlyList<string> Statements, IReadOnlyList<NpgsqlParameter> Parameters)
{
    /// <summary>The append does not concern the projection.</summary>
    public static FusedWrites None { get; } = new([], []);
}
