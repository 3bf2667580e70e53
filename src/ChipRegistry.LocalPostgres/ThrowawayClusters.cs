using System.Security.Cryptography;

namespace ChipRegistry.LocalPostgres;

/// <summary>
/// Short-lived clusters for tests and benchmarks: durability off, Unix socket only, and a marker
/// naming the owning process so that whatever a killed run left behind is reaped by the next one.
/// </summary>
public static class ThrowawayClusters
{
    /// <summary>Under /tmp (world-traversable), never under a root-only mktemp -d or /root.</summary>
    public const string DefaultRoot = "/tmp/chipregistry-clusters";
    public const string RootVariable = "CHIPREGISTRY_CLUSTER_ROOT";

    public static string Root => Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? root : DefaultRoot;

    /// <summary>Reaps orphans, then creates and starts a new cluster owned by <paramref name="owner"/>.</summary>
    public static LocalCluster Start(ClusterOwner owner, Action<string>? log = null)
    {
        var binaries = PostgresBinaries.Locate(log);
        Reap(binaries, log);
        EnsureRoot();
        var directory = Path.Combine(Root, $"t{owner.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        var cluster = LocalCluster.Create(directory, binaries, ClusterSettings.Throwaway, owner);
        try
        {
            cluster.Start();
        }
        catch
        {
            cluster.Remove();
            throw;
        }
        return cluster;
    }

    /// <summary>Stops and deletes every cluster under the root whose owner process is gone.</summary>
    public static IReadOnlyList<string> Reap(PostgresBinaries? binaries = null, Action<string>? log = null)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        var reaped = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var owner = ClusterOwner.ReadMarker(directory);
            if (owner is not null && owner.IsAlive)
            {
                continue;
            }
            if (owner is null && Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-10))
            {
                // No marker yet: perhaps a cluster being created this instant. Leave young ones alone.
                continue;
            }
            binaries ??= PostgresBinaries.Locate(log);
            log?.Invoke($"Reaping orphaned cluster {directory} (owner {owner?.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} is gone).");
            LocalCluster.Open(directory, binaries, ClusterSettings.Throwaway.SocketPort).Remove();
            reaped.Add(directory);
        }
        return reaped;
    }

    /// <summary>Removes one cluster this process (or a script) created.</summary>
    public static void Remove(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        LocalCluster.Open(directory, PostgresBinaries.Locate(), ClusterSettings.Throwaway.SocketPort).Remove();
    }

    private static void EnsureRoot()
    {
        Directory.CreateDirectory(Root);
        // Sticky and world-writable like /tmp, so both root and ordinary users can keep clusters here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, (UnixFileMode)Convert.ToInt32("1777", 8));
        }
    }
}
