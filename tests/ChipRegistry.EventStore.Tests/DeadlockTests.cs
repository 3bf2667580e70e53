using System.Diagnostics;
using ChipRegistry.EventStore.Tests.Support;
using Npgsql;

namespace ChipRegistry.EventStore.Tests;

public sealed class DeadlockTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_deadlocked_append_fails_with_the_typed_retryable_error_and_appends_nothing()
    {
        var store = await fixture.StartStoreAsync();
        await store.AppendAsync([new StreamAppend("a", ExpectedVersion.NoStream, TestEvents.Registered("a")), new StreamAppend("b", ExpectedVersion.NoStream, TestEvents.Registered("b"))], TestEvents.By(), Cancel);

        await using var other = await fixture.Database.OpenAsync(Cancel);
        await using var otherTransaction = await other.BeginTransactionAsync(Cancel);
        // The other session waits long before checking for deadlocks, so the store's session is the one that finds it.
        await Execute(other, otherTransaction, $"set local deadlock_timeout = '60s'; select 1 from {store.Schema.Quoted}.streams where key = 'b' for update");

        var append = store.AppendAsync([new StreamAppend("a", ExpectedVersion.Exactly(1), TestEvents.Moved("x")), new StreamAppend("b", ExpectedVersion.Exactly(1), TestEvents.Moved("y"))], TestEvents.By(), Cancel);
        await WaitUntilAnotherSessionWaitsOnALockAsync(other);
        var closeTheCycle = Execute(other, otherTransaction, $"select 1 from {store.Schema.Quoted}.streams where key = 'a' for update");

        var failure = await Assert.ThrowsAsync<TransientEventStoreException>(() => append);
        await closeTheCycle;
        await otherTransaction.RollbackAsync(Cancel);

        Assert.Equal("40P01", failure.SqlState);
        Assert.IsType<PostgresException>(failure.InnerException);
        Assert.Equal(1, await store.FetchStreamVersionAsync("a", Cancel));
        Assert.Equal(2L, await fixture.CountAsync(store, "events"));
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private async Task WaitUntilAnotherSessionWaitsOnALockAsync(NpgsqlConnection other)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using var probe = fixture.DataSource.CreateCommand(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> $1");
            probe.Parameters.Add(new NpgsqlParameter<int> { TypedValue = other.ProcessID });
            if ((long)(await probe.ExecuteScalarAsync(Cancel))! > 0)
            {
                return;
            }
            await Task.Delay(10, Cancel);
        }
        throw new TimeoutException("The append never waited on the locked stream.");
    }
}
