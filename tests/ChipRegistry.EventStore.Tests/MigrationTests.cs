using ChipRegistry.EventStore.Tests.Support;
using Npgsql;

namespace ChipRegistry.EventStore.Tests;

public sealed class MigrationTests(StoreFixture fixture) : IClassFixture<StoreFixture>
{
    private static Migration CounterMigration => new("test", 1, "counter",
        "create table {schema}.counter (n int not null); insert into {schema}.counter values (1);");

    [Fact]
    public async Task four_hosts_starting_together_before_the_schema_exists_apply_each_migration_once()
    {
        var schema = StoreFixture.NewSchemaName();
        var hosts = Enumerable.Range(0, 4).Select(_ => new NpgsqlDataSourceBuilder(fixture.Database.ConnectionString).UseNodaTime().Build()).ToList();
        try
        {
            using var start = new Barrier(hosts.Count);
            var stores = await Task.WhenAll(hosts.Select(host => Task.Run(async () =>
            {
                var options = new EventStoreOptions(TestEvents.Registry()) { Schema = schema, AdditionalMigrations = [CounterMigration] };
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return await PostgresEventStore.StartAsync(host, options, TestContext.Current.CancellationToken);
            })));

            Assert.Equal(1L, await fixture.ScalarAsync<long>($"select count(*) from \"{schema}\".counter"));
            Assert.Equal(EmbeddedMigrations.Store.Count + 1L, await fixture.ScalarAsync<long>($"select count(*) from \"{schema}\".schema_migrations"));
            foreach (var store in stores)
            {
                Assert.True(await store.IsSchemaCurrentAsync(TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task the_schema_is_not_current_before_the_store_migrates_it()
    {
        var store = PostgresEventStore.Create(fixture.DataSource, fixture.Options());

        Assert.False(await store.IsSchemaCurrentAsync(TestContext.Current.CancellationToken));
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.True(await store.IsSchemaCurrentAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task a_pending_additional_migration_makes_the_schema_not_current()
    {
        var options = fixture.Options();
        await fixture.StartStoreAsync(options);
        var withMore = new EventStoreOptions(options.EventTypes) { Schema = options.Schema, AdditionalMigrations = [CounterMigration] };

        var store = PostgresEventStore.Create(fixture.DataSource, withMore);

        Assert.False(await store.IsSchemaCurrentAsync(TestContext.Current.CancellationToken));
        var applied = await store.MigrateAsync(TestContext.Current.CancellationToken);
        Assert.Equal([CounterMigration], applied);
        Assert.True(await store.IsSchemaCurrentAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task starting_again_applies_nothing()
    {
        var store = await fixture.StartStoreAsync();

        Assert.Empty(await store.MigrateAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task two_schemas_in_one_database_keep_their_events_apart()
    {
        var first = await fixture.StartStoreAsync();
        var second = await fixture.StartStoreAsync();

        await first.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("one")), TestEvents.By(), TestContext.Current.CancellationToken);

        Assert.Equal(1, await first.FetchStreamVersionAsync("thing-1", TestContext.Current.CancellationToken));
        Assert.Equal(0, await second.FetchStreamVersionAsync("thing-1", TestContext.Current.CancellationToken));
        Assert.NotEqual(first.NotificationChannel, second.NotificationChannel);
    }

    [Fact]
    public async Task a_login_role_without_superuser_rights_migrates_appends_and_reads()
    {
        var connectionString = await fixture.Database.CreateLoginRoleAsync("app", TestContext.Current.CancellationToken);
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).UseNodaTime().Build();
        var store = await PostgresEventStore.StartAsync(dataSource, fixture.Options(), TestContext.Current.CancellationToken);

        await store.AppendAsync(new StreamAppend("thing-1", ExpectedVersion.NoStream, TestEvents.Registered("a")), TestEvents.By(), TestContext.Current.CancellationToken);
        await store.StartStreamsAsync("thing", [new NewStream("thing-2", TestEvents.Registered("b"))], TestEvents.By(), TestContext.Current.CancellationToken);

        Assert.Single(await store.ReadStreamAsync("thing-2", cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(await fixture.ScalarAsync<bool>($"select rolsuper from pg_roles where rolname = '{new NpgsqlConnectionStringBuilder(connectionString).Username}'"));
    }

    [Fact]
    public void the_store_ships_its_schema_as_numbered_embedded_sql()
    {
        var migrations = EmbeddedMigrations.Store;

        Assert.NotEmpty(migrations);
        Assert.Equal(1, migrations[0].Version);
        Assert.All(migrations, m => Assert.Contains(Migration.SchemaToken, m.Sql, StringComparison.Ordinal));
    }
}
