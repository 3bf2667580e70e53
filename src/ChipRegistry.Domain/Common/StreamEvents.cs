namespace ChipRegistry.Domain.Common;

/// <summary>A stream by category (chip, assembly, organisation…) and id within it.</summary>
public sealed record StreamId(string Category, string Id)
{
    public static StreamId Chip(string chipId) => new("chip", chipId);

    public static StreamId Assembly(string assemblyId) => new("assembly", assemblyId);

    public override string ToString() => $"{Category}/{Id}";
}

/// <summary>
/// The events one decision produces for one stream. A multi-stream decision returns several, to be appended
/// in one transaction, all or nothing.
/// </summary>
public sealed record StreamEvents(StreamId Stream, IReadOnlyList<IDomainEvent> Events);
