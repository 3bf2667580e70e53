using System.Diagnostics.Metrics;

namespace ChipRegistry.EventStore;

/// <summary>
/// The daemon's instruments, on the meter <see cref="ProjectionDaemon.MeterName"/>, tagged with
/// the schema (and the projection where it applies). The gauges report the last health data the
/// daemon read (it refreshes them every poll interval).
/// </summary>
internal sealed class DaemonMetrics : IDisposable
{
    private readonly Meter meter;
    private readonly string schema;
    private DaemonHealth? last;

    public DaemonMetrics(string schema)
    {
        this.schema = schema;
        meter = new Meter(ProjectionDaemon.MeterName);
        EventsApplied = meter.CreateCounter<long>("chipregistry.daemon.events_applied", "{event}", "Events applied by async projections.");
        DeadLetters = meter.CreateCounter<long>("chipregistry.daemon.dead_letters", "{event}", "Events that failed to apply and went to dead_letters.");
        GapsSkipped = meter.CreateCounter<long>("chipregistry.daemon.gaps_skipped", "{gap}", "Sequence gaps the high-water mark skipped on xid evidence.");
        FloorGuardRejections = meter.CreateCounter<long>("chipregistry.daemon.floor_guard_rejections", "{batch}", "Batches rolled back because another runner moved the checkpoint first.");
        meter.CreateObservableGauge("chipregistry.daemon.high_water_mark", () => Observe(h => h.HighWaterMark), "{seq_id}", "The high-water mark.");
        meter.CreateObservableGauge("chipregistry.daemon.mark_stalled", () => Observe(h => h.MarkStalled ? 1 : 0), null, "1 while the mark waits at a gap for longer than the threshold.");
        meter.CreateObservableGauge("chipregistry.daemon.projection_lag", () => ObserveProjections(p => p.Lag), "{seq_id}", "Sequence numbers between a projection's checkpoint and the mark.");
        meter.CreateObservableGauge("chipregistry.daemon.projection_halted", () => ObserveProjections(p => p.Halted ? 1 : 0), null, "1 while a projection is halted on a dead letter.");
    }

    public Counter<long> EventsApplied { get; }

    public Counter<long> DeadLetters { get; }

    public Counter<long> GapsSkipped { get; }

    public Counter<long> FloorGuardRejections { get; }

    public void Update(DaemonHealth health) => Volatile.Write(ref last, health);

    public KeyValuePair<string, object?>[] Tags(string projection) => [new("schema", schema), new("projection", projection)];

    public KeyValuePair<string, object?>[] Tags() => [new("schema", schema)];

    private IEnumerable<Measurement<long>> Observe(Func<DaemonHealth, long> value)
    {
        var health = Volatile.Read(ref last);
        return health is null ? [] : [new Measurement<long>(value(health), Tags())];
    }

    private IEnumerable<Measurement<long>> ObserveProjections(Func<ProjectionHealth, long> value)
    {
        var health = Volatile.Read(ref last);
        return health is null ? [] : health.Projections.Select(p => new Measurement<long>(value(p), Tags(p.Name)));
    }

    public void Dispose() => meter.Dispose();
}
