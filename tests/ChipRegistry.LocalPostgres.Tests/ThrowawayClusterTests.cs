using System.Diagnostics;
using ChipRegistry.LocalPostgres;
using Npgsql;

namespace ChipRegistry.LocalPostgres.Tests;

public sealed class ThrowawayClusterTests
{
    [Fact]
    public async Task a_throwaway_cluster_serves_with_durability_off_and_room_for_parallel_tests()
    {
        var cluster = ThrowawayClusters.Start(ClusterOwner.Current);
        try
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString());
            await connection.OpenAsync(TestContext.Current.CancellationToken);

            Assert.Equal("off", await Setting(connection, "fsync"));
            Assert.Equal("off", await Setting(connection, "synchronous_commit"));
            Assert.Equal("off", await Setting(connection, "full_page_writes"));
            Assert.Equal("300", await Setting(connection, "max_connections"));
            Assert.Equal("", await Setting(connection, "listen_addresses"));
            Assert.Equal(ClusterOwner.Current, ClusterOwner.ReadMarker(cluster.Directory));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            cluster.Remove();
        }

        Assert.False(Directory.Exists(cluster.Directory));
    }

    [Fact]
    public void a_cluster_whose_owner_died_is_reaped_and_a_live_owners_cluster_is_kept()
    {
        using var doomed = Process.Start(new ProcessStartInfo("sleep", "600"))!;
        var orphan = ThrowawayClusters.Start(ClusterOwner.ForProcess(doomed.Id));
        var kept = ThrowawayClusters.Start(ClusterOwner.Current);
        try
        {
            var postmasterPid = PostmasterPid(orphan);
            doomed.Kill();
            doomed.WaitForExit();

            var reaped = ThrowawayClusters.Reap();

            Assert.Contains(orphan.Directory, reaped);
            Assert.DoesNotContain(kept.Directory, reaped);
            Assert.False(Directory.Exists(orphan.Directory));
            Assert.False(ProcessIsAlive(postmasterPid));
            Assert.True(kept.IsRunning);
        }
        finally
        {
            orphan.Remove();
            kept.Remove();
        }
    }

    [Fact]
    public void a_recycled_process_id_does_not_keep_a_dead_owners_cluster_alive()
    {
        var current = ClusterOwner.Current;
        var impostor = current with { StartTicks = current.StartTicks - 1 };

        Assert.True(current.IsAlive);
        Assert.False(impostor.IsAlive);
    }

    private static async Task<string> Setting(NpgsqlConnection connection, string name)
    {
        await using var command = new NpgsqlCommand($"show {name}", connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static int PostmasterPid(LocalCluster cluster) =>
        int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static bool ProcessIsAlive(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
}
