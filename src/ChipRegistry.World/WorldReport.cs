using ChipRegistry.Domain;
using ChipRegistry.Domain.Common;
using ChipRegistry.World.Sinks;

namespace ChipRegistry.World;

/// <summary>
/// What a generation appended, by stored event type, and every command the domain refused. A world's commands are all
/// meant to be accepted, so the generator stops at the first refusal (<see cref="WorldRefusedException"/>); the count
/// is kept for the report and the tests.
/// </summary>
public sealed class WorldReport
{
    private readonly Dictionary<string, long> byType = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> EventsByType => byType;

    public long Events { get; private set; }

    public int Chips { get; internal set; }

    public int Lots { get; internal set; }

    /// <summary>Chips the anomaly injectors made for their scenarios, beside the world's <see cref="Chips"/>.</summary>
    public int InjectedChips { get; internal set; }

    public int Refusals { get; private set; }

    /// <summary>What the built detection rules should flag in this world, counted from its acts and ticks.</summary>
    public Anomalies.WorldAnomalies Anomalies { get; } = new();

    internal void Count(string type, long count)
    {
        byType[type] = byType.GetValueOrDefault(type) + count;
        Events += count;
    }

    /// <summary>Counts what an accepted command appended; a refusal is counted and thrown.</summary>
    internal void Record(WorldOutcome result, string what)
    {
        if (!result.IsAccepted)
        {
            Refusals++;
            throw new WorldRefusedException(what, result.Error!);
        }
        if (result.BulkFabrications > 0)
        {
            Count(DomainEventNames.ByType[typeof(Domain.Chips.ChipFabricated)], result.BulkFabrications);
        }
        foreach (var type in result.EventTypes) Count(type, 1);
    }
}

/// <summary>The domain refused a command the world generated: a defect of the generator (or of the domain), never ignored.</summary>
public sealed class WorldRefusedException : Exception
{
    public WorldRefusedException()
    {
    }

    public WorldRefusedException(string message)
        : base(message)
    {
    }

    public WorldRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WorldRefusedException(string what, DomainError error)
        : base($"the domain refused {what}: {error.Code}: {error.Message}") => Error = error;

    public DomainError? Error { get; }
}
