using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.LocalPostgres.Tests;

public sealed class PersistentClusterTests
{
    [Fact]
    public async Task up_creates_once_and_reuses_the_same_cluster_and_data_across_restarts()
    {
        var workingCopy = Directory.CreateTempSubdirectory("wc").FullName;
        var cluster = new PersistentCluster(workingCopy, ThrowawayClusters.Root, ClusterOwner.Current);
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            Assert.Equal("absent", cluster.Status());

            var first = await cluster.UpAsync(_ => { }, cancellationToken);
            Assert.Equal("running", cluster.Status());
            Assert.True(File.Exists(Path.Combine(workingCopy, ".data", "cluster.json")));
            await Execute(first.ConnectionString, "create table survivor (id int); insert into survivor values (42)");

            NpgsqlConnection.ClearAllPools();
            cluster.Down();
            Assert.Equal("stopped", cluster.Status());

            var second = await cluster.UpAsync(_ => { }, cancellationToken);
            Assert.Equal(first, second);
            Assert.Equal(42, await Scalar(second.ConnectionString, "select id from survivor"));

            // A lost .data pointer (git clean) finds the same cluster again; nothing is recreated or lost.
            NpgsqlConnection.ClearAllPools();
            cluster.Down();
            Directory.Delete(Path.Combine(workingCopy, ".data"), recursive: true);
            var third = await cluster.UpAsync(_ => { }, cancellationToken);
            Assert.Equal(first, third);
            Assert.Equal(42, await Scalar(third.ConnectionString, "select id from survivor"));

            // Without either pointer, the cluster's own configuration still names its port.
            NpgsqlConnection.ClearAllPools();
            cluster.Down();
            Directory.Delete(Path.Combine(workingCopy, ".data"), recursive: true);
            File.Delete(Path.Combine(first.Directory, "cluster.json"));
            var fourth = await cluster.UpAsync(_ => { }, cancellationToken);
            Assert.Equal(first, fourth);
            Assert.Equal(42, await Scalar(fourth.ConnectionString, "select id from survivor"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (cluster.ReadPointer() is { } pointer)
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

    private static async Task<int> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
