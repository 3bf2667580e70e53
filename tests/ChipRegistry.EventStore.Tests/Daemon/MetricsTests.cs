using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

public sealed class MetricsTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task the_daemon_reports_applied_events_the_mark_and_each_projections_lag()
    {
        var store = await fixture.StartStoreAsync();
        var schema = store.Schema.Value;
        var counters = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var gauges = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProjectionDaemon.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var ours = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == "schema" && Equals(tag.Value, schema);
            }
            if (!ours)
            {
                return;
            }
            if (instrument is Counter<long>)
            {
                counters.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            }
            else
            {
                gauges[instrument.Name] = value;
            }
        });
        listener.Start();

        var chain = new ChainProjection("chain");
        var daemon = await StartDaemonAsync(store, Options(new AsyncProjectionRegistration(chain)));
        try
        {
            await AppendAsync(store, "a", 30);
            var target = await CatchUpAsync(daemon);
            await EventuallyAsync(() =>
            {
                listener.RecordObservableInstruments();
                return Task.FromResult(gauges.GetValueOrDefault("chipregistry.daemon.high_water_mark") == target
                    && gauges.TryGetValue("chipregistry.daemon.projection_lag", out var lag) && lag == 0);
            }, "the gauges show the caught-up mark and no lag");

            Assert.Equal(30, counters.GetValueOrDefault("chipregistry.daemon.events_applied"));
            Assert.Equal(0, gauges["chipregistry.daemon.mark_stalled"]);
            Assert.Equal(0, gauges["chipregistry.daemon.projection_halted"]);
        }
        finally
        {
            await StopAsync(daemon);
        }
    }
}
