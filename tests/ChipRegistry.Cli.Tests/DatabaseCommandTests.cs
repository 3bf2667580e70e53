using ChipRegistry.LocalPostgres;
using ChipRegistry.Testing;
using Npgsql;

namespace ChipRegistry.Cli.Tests;

public sealed class DatabaseCommandTests
{
    [Fact]
    public async Task throwaway_start_prints_a_working_cluster_and_remove_deletes_it()
    {
        var started = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "db", "throwaway", "start", "--owner-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(started.ExitCode == 0, started.Error);
        var (directory, connectionString) = (started.Lines[0], started.Lines[1]);
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                Assert.Equal(ClusterOwner.Current, ClusterOwner.ReadMarker(directory));
            }
            NpgsqlConnection.ClearAllPools();

            var removed = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "db", "throwaway", "remove", directory);

            Assert.Equal(0, removed.ExitCode);
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            ThrowawayClusters.Remove(directory);
        }
    }

    [Fact]
    public async Task leftovers_lists_test_databases_that_were_not_dropped_and_fails()
    {
        var prefix = $"chipreg_leftover_{Guid.NewGuid():N}"[..30];
        var admin = TestServer.AdminConnectionString;

        var clean = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "db", "throwaway", "leftovers", admin, "--prefix", prefix);
        Assert.Equal(0, clean.ExitCode);
        Assert.Empty(clean.Lines);

        await Execute(admin, $"create database {prefix}_db");
        try
        {
            var dirty = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "db", "throwaway", "leftovers", admin, "--prefix", prefix);
            Assert.Equal(1, dirty.ExitCode);
            Assert.Equal([$"database {prefix}_db"], dirty.Lines);
        }
        finally
        {
            await Execute(admin, $"drop database {prefix}_db");
        }
    }

    [Fact]
    public async Task up_status_and_down_manage_the_persistent_cluster_of_a_working_copy()
    {
        var workingCopy = Directory.CreateTempSubdirectory("wc").FullName;
        await File.WriteAllTextAsync(Path.Combine(workingCopy, "ChipRegistry.sln"), "", TestContext.Current.CancellationToken);
        // Created directly under the throwaway root and owned by this process, so a killed run is reaped.
        var home = ThrowawayClusters.Root;
        var environment = new Dictionary<string, string> { [PersistentCluster.HomeVariable] = home };
        var owner = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            Assert.Contains("status: absent", (await Chipreg.RunAsync(workingCopy, environment, "db", "status")).Output, StringComparison.Ordinal);

            var up = await Chipreg.RunAsync(workingCopy, environment, "db", "up", "--owner-pid", owner);
            Assert.True(up.ExitCode == 0, up.Error);
            await using (var connection = new NpgsqlConnection(up.Lines.Single()))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                Assert.Equal(PersistentCluster.DatabaseName, connection.Database);
            }
            NpgsqlConnection.ClearAllPools();
            Assert.Contains("status: running", (await Chipreg.RunAsync(workingCopy, environment, "db", "status")).Output, StringComparison.Ordinal);

            Assert.Equal(0, (await Chipreg.RunAsync(workingCopy, environment, "db", "down")).ExitCode);
            Assert.Contains("status: stopped", (await Chipreg.RunAsync(workingCopy, environment, "db", "status")).Output, StringComparison.Ordinal);
        }
        finally
        {
            if (new PersistentCluster(workingCopy, home).ReadPointer() is { } pointer)
            {
                LocalCluster.Open(pointer.Directory, PostgresBinaries.Locate(), pointer.Port).Remove();
            }
            Directory.Delete(workingCopy, recursive: true);
        }
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
