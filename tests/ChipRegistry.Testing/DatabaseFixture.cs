using Npgsql;
using Xunit;

namespace ChipRegistry.Testing;

/// <summary>An xunit class or collection fixture that owns one <see cref="TestDatabase"/> and a data source on it.</summary>
public class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? database;
    private NpgsqlDataSource? dataSource;

    public TestDatabase Database => database ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public NpgsqlDataSource DataSource => dataSource ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public virtual async ValueTask InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        dataSource = new NpgsqlDataSourceBuilder(database.ConnectionString).UseNodaTime().Build();
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
