using ChipRegistry.EventStore.Tests.Support;
using static ChipRegistry.EventStore.Tests.Daemon.DaemonTestKit;

namespace ChipRegistry.EventStore.Tests.Daemon;

/// <summary>With polling slowed to a minute, only the LISTEN connection can wake the daemon.</summary>
public sealed class WakeUpTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    [Fact]
    public async Task a_notification_wakes_the_daemon_and_the_listener_reconnects_after_its_connection_is_killed()
    {
        var store = await fixture.StartStoreAsync();
        var chain = new ChainProjection("chain");
        var daemon = await StartDaemonAsync(store, Tuned(Options(new AsyncProjectionRegistration(chain)), poll: TimeSpan.FromMinutes(1)));
        async Task<bool> CaughtUpTo(long seqId) => (await daemon.GetHealthAsync(Cancel)).Projections.Single().Checkpoint >= seqId;
        async Task<int[]> ListenersAsync()
        {
            await using var command = fixture.DataSource.CreateCommand(
                "select pid from pg_stat_activity where application_name = 'chipregistry-daemon' and datname = current_database() and query ilike 'listen%'");
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            var pids = new List<int>();
            while (await reader.ReadAsync(Cancel))
            {
                pids.Add(reader.GetInt32(0));
            }
            return [.. pids];
        }
        try
        {
            await EventuallyAsync(async () => (await ListenersAsync()).Length == 1, "the daemon listens");
            var first = await store.AppendAsync(new StreamAppend("a-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);
            await EventuallyAsync(() => CaughtUpTo(first.SeqIds[0]), "the notified daemon applies the event", seconds: 15);

            var killed = Assert.Single(await ListenersAsync());
            await using (var kill = fixture.DataSource.CreateCommand($"select pg_terminate_backend({killed})"))
            {
                await kill.ExecuteScalarAsync(Cancel);
            }
            await EventuallyAsync(async () => await ListenersAsync() is [var pid] && pid != killed, "the listener reconnects", seconds: 15);

            var second = await store.AppendAsync(new StreamAppend("a-2", ExpectedVersion.NoStream, TestEvents.Registered("b")), TestEvents.By(), Cancel);
            await EventuallyAsync(() => CaughtUpTo(second.SeqIds[0]), "the reconnected listener wakes the daemon", seconds: 15);
        }
        finally
        {
            await StopAsync(daemon);
        }
    }
}
