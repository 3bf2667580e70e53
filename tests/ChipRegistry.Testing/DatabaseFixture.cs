using Xunit;

namespace ChipRegistry.Testing;

/// <summary>An xunit class or collection fixture that owns one <see cref="TestDatabase"/>.</summary>
public class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("The fixture has not been initialised.");

    public virtual async ValueTask InitializeAsync() => database = await TestDatabase.CreateAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
