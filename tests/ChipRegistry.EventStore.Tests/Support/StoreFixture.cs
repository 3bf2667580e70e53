using System.Security.Cryptography;
using ChipRegistry.Testing;
using Npgsql;

namespace ChipRegistry.EventStore.Tests.Support;

/// <summary>One database per test class; each test starts its store in a schema of its own.</summary>
public sealed class StoreFixture : DatabaseFixture
{
    public static string NewSchemaName() => $"es_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";

    public EventStoreOptions Options(string? schema = null) => new(TestEvents.Registry()) { Schema = schema ?? NewSchemaName() };

    public Task<PostgresEventStore> StartStoreAsync(EventStoreOptions? options = null) =>
        PostgresEventStore.StartAsync(DataSource, options ?? Options(), TestContext.Current.CancellationToken);

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    public async Task<long> CountAsync(PostgresEventStore store, string table) =>
        await ScalarAsync<long>($"select count(*) from {store.Schema.Quoted}.{table}");

    /// <summary>The events sequence's last drawn number (0 before the first draw).</summary>
    public async Task<long> LastDrawnSeqIdAsync(PostgresEventStore store) =>
        await ScalarAsync<long>($"select case when is_called then last_value else 0 end from {store.Schema.Quoted}.events_seq_id");
}
