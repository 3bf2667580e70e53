using ChipRegistry.EventStore.Tests.Support;
using Npgsql;

namespace ChipRegistry.EventStore.Tests;

public sealed class NotificationTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(NpgsqlConnection Listener, List<string> Received)> ListenAsync(string channel)
    {
        var listener = await fixture.Database.OpenAsync(Cancel);
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Channel);
        await using var listen = new NpgsqlCommand($"listen \"{channel}\"", listener);
        await listen.ExecuteNonQueryAsync(Cancel);
        return (listener, received);
    }

    [Fact]
    public async Task a_committed_append_notifies_the_schemas_channel()
    {
        var store = await fixture.StartStoreAsync();
        var (listener, received) = await ListenAsync(store.NotificationChannel);
        await using var _ = listener;

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10), Cancel), "no notification arrived");
        Assert.Equal([store.NotificationChannel], received);
        Assert.Contains(store.Schema.Value, store.NotificationChannel, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_bulk_creation_notifies_the_schemas_channel()
    {
        var store = await fixture.StartStoreAsync();
        var (listener, received) = await ListenAsync(store.NotificationChannel);
        await using var _ = listener;

        await store.StartStreamsAsync("chip", [new NewStream("a", TestEvents.Registered("a"))], TestEvents.By(), Cancel);

        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10), Cancel), "no notification arrived");
        Assert.Equal([store.NotificationChannel], received);
    }

    [Fact]
    public async Task with_notifications_off_an_append_sends_none()
    {
        var options = fixture.Options();
        var store = await fixture.StartStoreAsync(new EventStoreOptions(options.EventTypes) { Schema = options.Schema, NotifyOnAppend = false });
        var (listener, received) = await ListenAsync(store.NotificationChannel);
        await using var _ = listener;

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);
        await DrainAsync(listener, received, store.NotificationChannel);

        Assert.Equal([$"{store.NotificationChannel}_marker"], received);
    }

    [Fact]
    public async Task notifications_are_throttled_per_process()
    {
        var options = fixture.Options();
        var store = await fixture.StartStoreAsync(new EventStoreOptions(options.EventTypes) { Schema = options.Schema, NotifyInterval = TimeSpan.FromHours(1) });
        var (listener, received) = await ListenAsync(store.NotificationChannel);
        await using var _ = listener;

        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(new StreamAppend($"thing-{i}", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), Cancel);
        }
        await DrainAsync(listener, received, store.NotificationChannel);

        Assert.Equal([store.NotificationChannel, $"{store.NotificationChannel}_marker"], received);
    }

    /// <summary>
    /// Sends a marker notification after everything the appends may have sent: delivery follows
    /// commit order, so once the marker is in, every earlier notification is too.
    /// </summary>
    private static async Task DrainAsync(NpgsqlConnection listener, List<string> received, string channel)
    {
        await using (var listenMarker = new NpgsqlCommand($"listen \"{channel}_marker\"", listener))
        {
            await listenMarker.ExecuteNonQueryAsync(Cancel);
        }
        await using (var marker = new NpgsqlCommand($"notify \"{channel}_marker\"", listener))
        {
            await marker.ExecuteNonQueryAsync(Cancel);
        }
        while (!received.Contains($"{channel}_marker"))
        {
            Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(10), Cancel), "the marker notification never arrived");
        }
    }
}
