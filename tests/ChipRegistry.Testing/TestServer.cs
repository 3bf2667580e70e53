using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.Testing;

/// <summary>
/// The PostgreSQL server every test talks to. The README's test command starts one throwaway
/// cluster and exports its connection string as CHIPREGISTRY_TEST_DATABASE; a test run started
/// another way (an IDE, a bare <c>dotnet test</c>) starts its own cluster, owned by this process.
/// </summary>
public static class TestServer
{
    public const string Variable = "CHIPREGISTRY_TEST_DATABASE";

    /// <summary>Every database and role a test creates starts with this, so leftovers can be found.</summary>
    public const string NamePrefix = "chipreg_test_";

    private static readonly Lazy<string> Server = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A superuser connection string to the server's maintenance database.</summary>
    public static string AdminConnectionString => Server.Value;

    private static string Resolve()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }
        var cluster = ThrowawayClusters.Start(ClusterOwner.Current);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Remove();
        return cluster.ConnectionString();
    }

    public static async Task<NpgsqlConnection> OpenAdminAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
