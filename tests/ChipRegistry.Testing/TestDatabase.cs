using System.Security.Cryptography;
using Npgsql;

namespace ChipRegistry.Testing;

/// <summary>
/// A database of its own for one test fixture, plus any login roles it asks for; disposing drops
/// them all, so no test leaves anything on a shared server.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly List<string> roles = [];

    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestServer.AdminConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>Superuser access to this fixture's database.</summary>
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var database = new TestDatabase(UniqueName("db"));
        await using var admin = await TestServer.OpenAdminAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"create database \"{database.Name}\"", admin);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return database;
    }

    /// <summary>
    /// A new non-superuser login role with full rights on this database, e.g. to prove that a
    /// writer and a reader connected as different roles still see each other's transactions.
    /// Returns a connection string that logs in as it.
    /// </summary>
    public async Task<string> CreateLoginRoleAsync(string purpose, CancellationToken cancellationToken = default)
    {
        var role = UniqueName(purpose);
        await using (var admin = await TestServer.OpenAdminAsync(cancellationToken))
        {
            await using var create = new NpgsqlCommand($"create role \"{role}\" login; grant all on database \"{Name}\" to \"{role}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        lock (roles)
        {
            roles.Add(role);
        }
        await using (var own = new NpgsqlConnection(ConnectionString))
        {
            await own.OpenAsync(cancellationToken);
            await using var grant = new NpgsqlCommand($"grant all on schema public to \"{role}\"", own);
            await grant.ExecuteNonQueryAsync(cancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Username = role }.ConnectionString;
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = await TestServer.OpenAdminAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", admin))
        {
            await drop.ExecuteNonQueryAsync();
        }
        foreach (var role in roles)
        {
            await using var dropRole = new NpgsqlCommand($"drop role if exists \"{role}\"", admin);
            await dropRole.ExecuteNonQueryAsync();
        }
    }

    private static string UniqueName(string purpose) =>
        $"{TestServer.NamePrefix}{purpose}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";
}
