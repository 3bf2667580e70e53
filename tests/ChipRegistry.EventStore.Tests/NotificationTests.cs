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
        // A marker notification on the same connection's channel proves delivery works and comes after anything the append sent.
        await using (var marker = new NpgsqlCommand($"notify \"{store.NotificationChannel}_marker\"", listener))
        {
            await using var listenMarker = new NpgsqlCommand($"listen \"{store.NotificationChannel}_marker\"", listener);
            await listenMarker.ExecuteNonQueryAsync(Cancel);
            await marker.ExecuteNonQueryAsync(Cancel);
        }
        if (received.Count == 0)
        {
            await listener.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        }

        Assert.Equal([$"{store.NotificationChannel}_marker"], received);
    }
}
