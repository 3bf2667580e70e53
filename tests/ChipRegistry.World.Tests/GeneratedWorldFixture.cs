using System.Security.Cryptography;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using ChipRegistry.Testing;
using Npgsql;

namespace ChipRegistry.World.Tests;

/// <summary>A registry in a schema of its own, with the world generated into it and the generator's report.</summary>
public sealed record GeneratedWorld(string Schema, WorldReport Report, NpgsqlDataSource DataSource)
{
    public string Table(string name) => $"\"{Schema}\".{name}";

    public async Task<List<T>> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        var rows = new List<T>();
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken)) rows.Add(read(reader));
        return rows;
    }
}

/// <summary>
/// One database, the same world (seed <see cref="Seed"/>, <see cref="Chips"/> chips) generated twice, into two schemas,
/// once for the whole class: the generation is what the tests judge, and it takes most of their time.
/// </summary>
public sealed class GeneratedWorldFixture : DatabaseFixture
{
    public const int Seed = 20_260_630;
    public const int Chips = 1_000;

    private GeneratedWorld? first;
    private GeneratedWorld? second;

    public GeneratedWorld First => first ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public GeneratedWorld Second => second ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public static WorldSettings Settings { get; } = new(Seed, Chips);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        first = await GenerateAsync();
        second = await GenerateAsync();
    }

    private async Task<GeneratedWorld> GenerateAsync()
    {
        var schema = $"world_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";
        var store = await PostgresEventStore.StartAsync(DataSource, DomainStore.Options(schema));
        var commands = new CommandPipeline(new RegistryReads(store, DataSource));
        var report = await WorldGenerator.GenerateAsync(commands, Settings);
        return new GeneratedWorld(schema, report, DataSource);
    }
}
