using System.Security.Cryptography;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using Npgsql;

namespace ChipRegistry.Domain.Tests.Persistence;

/// <summary>One database per test class; each test starts the registry's store (domain options) in a schema of its own.</summary>
public class RegistryStoreFixture : DatabaseFixture
{
    public async Task<Registry> StartAsync()
    {
        var schema = $"reg_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        var store = await PostgresEventStore.StartAsync(DataSource, DomainStore.Options(schema), TestContext.Current.CancellationToken);
        var reads = new RegistryReads(store, DataSource);
        return new Registry(store, reads, new CommandPipeline(reads), DataSource);
    }
}

/// <summary>
/// The store fixture plus one registry shared by every case of a generated-sequence property, and tallies across
/// those cases (a property runs case by case on one test, so what all cases did together is kept here).
/// </summary>
public sealed class GeneratedSequencesFixture : RegistryStoreFixture
{
    private Registry? sequences;

    public Registry Sequences => sequences ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public int Cases;
    public int Accepted;
    public int Rejected;

    /// <summary>How often each command, by whom, was accepted or refused (with which code): what a failed coverage check shows.</summary>
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Outcomes = new(StringComparer.Ordinal);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        sequences = await StartAsync();
    }
}

/// <summary>A started store with the domain's handlers and loaders, and raw SQL for assertions.</summary>
public sealed record Registry(PostgresEventStore Store, RegistryReads Reads, CommandPipeline Commands, NpgsqlDataSource DataSource)
{
    public string Table(string name) => $"{Store.Schema.Quoted}.{name}";

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>Each stream's version (0 when it does not exist).</summary>
    public async Task<long[]> VersionsAsync(IEnumerable<string> streamKeys)
    {
        var versions = new List<long>();
        foreach (var key in streamKeys) versions.Add(await Store.FetchStreamVersionAsync(key, TestContext.Current.CancellationToken));
        return [.. versions];
    }
}
