using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// One rule's injected anomaly and near miss: a small scenario of its own organisations and chips, issued through the
/// world's sink when the world's clock reaches <see cref="At"/> (between lots, like a lot: its later acts are sent
/// before the clock reaches them), that must raise exactly what it records.
/// </summary>
internal interface IAnomalyInjector
{
    int Rule { get; }

    /// <summary>The scenario's first act.</summary>
    Instant At { get; }

    /// <summary>The scenario's last act: a timeline that ends before it leaves the scenario out.</summary>
    Instant Last { get; }

    Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken);
}
