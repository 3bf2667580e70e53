using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ChipRegistry.LocalPostgres;

/// <summary>What <c>.data/cluster.json</c> records about the user's persistent cluster.</summary>
public sealed record PersistentClusterPointer(string Directory, int Port, string ConnectionString);

/// <summary>
/// The registry's own long-lived local cluster, reused across runs. The cluster lives where the
/// server's account can reach it; <c>.data/cluster.json</c> in the working copy points to it.
/// </summary>
/// <remarks>
/// Given an <paramref name="owner"/>, the cluster carries an owner marker like a throwaway one, so a
/// scripted, temporary use (a test) that is killed leaves nothing the next reap would not remove.
/// </remarks>
public sealed class PersistentCluster(string workingCopy, string? home = null, ClusterOwner? owner = null)
{
    /// <summary>Overrides where persistent clusters live (default /var/lib/chipregistry as root).</summary>
    public const string HomeVariable = "CHIPREGISTRY_DATA_HOME";

    public const int PreferredPort = 55432;
    public const string DatabaseName = "chipregistry";

    public string PointerFile => Path.Combine(workingCopy, ".data", "cluster.json");

    public PersistentClusterPointer? ReadPointer() =>
        File.Exists(PointerFile) ? JsonSerializer.Deserialize<PersistentClusterPointer>(File.ReadAllText(PointerFile)) : null;

    /// <summary>
    /// Creates the cluster on first use, starts it, creates the registry's database, and returns the pointer.
    /// A cluster whose <c>.data</c> pointer was lost (a <c>git clean</c>) is found again through the copy of the
    /// pointer kept inside it; an existing cluster is never deleted or overwritten.
    /// </summary>
    public async Task<PersistentClusterPointer> UpAsync(Action<string> log, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Locate(log);
        var directory = Path.Combine(Home, StableName());
        var pointer = ReadPointer() is { } recorded && Directory.Exists(recorded.Directory) ? recorded : ReadInnerPointer(directory);
        LocalCluster cluster;
        if (pointer is not null)
        {
            cluster = LocalCluster.Open(pointer.Directory, binaries, pointer.Port);
        }
        else
        {
            if (Directory.Exists(directory))
            {
                throw new LocalPostgresException(
                    $"{directory} exists but holds no usable cluster pointer; it is left untouched. Move it away to create a new cluster.");
            }
            var port = FreePort(PreferredPort);
            log($"Creating a persistent PostgreSQL {binaries.MajorVersion} cluster in {directory} (port {port}).");
            cluster = LocalCluster.Create(directory, binaries, ClusterSettings.Persistent(port), owner);
            pointer = new PersistentClusterPointer(directory, port, cluster.ConnectionString(DatabaseName));
            await WritePointerAsync(Path.Combine(directory, InnerPointerName), pointer, cancellationToken);
        }
        await WritePointerAsync(PointerFile, pointer, cancellationToken);
        cluster.Start();
        await CreateDatabaseIfMissingAsync(cluster, cancellationToken);
        return pointer;
    }

    private const string InnerPointerName = "cluster.json";

    private static PersistentClusterPointer? ReadInnerPointer(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "data", "PG_VERSION")))
        {
            return null;
        }
        var path = Path.Combine(directory, InnerPointerName);
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<PersistentClusterPointer>(File.ReadAllText(path));
        }
        // A cluster made before the inner pointer existed: its port is the last "port =" line we appended.
        var portLine = File.ReadLines(Path.Combine(directory, "data", "postgresql.conf"))
            .LastOrDefault(line => line.StartsWith("port = ", StringComparison.Ordinal));
        if (portLine is null || !int.TryParse(portLine["port = ".Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }
        return new PersistentClusterPointer(directory, port, LocalCluster.Open(directory, PostgresBinaries.Locate(), port).ConnectionString(DatabaseName));
    }

    private static async Task WritePointerAsync(string path, PersistentClusterPointer pointer, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(pointer, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }

    public void Down()
    {
        var pointer = ReadPointer();
        if (pointer is null || !Directory.Exists(pointer.Directory))
        {
            return;
        }
        LocalCluster.Open(pointer.Directory, PostgresBinaries.Locate(), pointer.Port).Stop();
    }

    public string Status()
    {
        var pointer = ReadPointer();
        if (pointer is null || !Directory.Exists(pointer.Directory))
        {
            return "absent";
        }
        var binaries = PostgresBinaries.TryLocate();
        if (binaries is null)
        {
            return "stopped (no server binaries)";
        }
        return LocalCluster.Open(pointer.Directory, binaries, pointer.Port).IsRunning ? "running" : "stopped";
    }

    private string Home => home
        ?? (Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } configured ? configured : null)
        ?? DefaultHome;

    private static string DefaultHome => ExternalProcess.IsRoot
        ? "/var/lib/chipregistry"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "chipregistry");

    /// <summary>One cluster per working copy, named from its path so two clones do not share data by accident.</summary>
    private string StableName()
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(workingCopy)));
        return "c" + Convert.ToHexStringLower(hash)[..12];
    }

    private static int FreePort(int preferred)
    {
        foreach (var candidate in new[] { preferred, 0 })
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, candidate);
                listener.Start();
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            catch (SocketException)
            {
                // Taken; fall through to an ephemeral port.
            }
        }
        throw new LocalPostgresException("No free TCP port on 127.0.0.1.");
    }

    private static async Task CreateDatabaseIfMissingAsync(LocalCluster cluster, CancellationToken cancellationToken)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.ConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var exists = new Npgsql.NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.Add(new Npgsql.NpgsqlParameter { Value = DatabaseName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new Npgsql.NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
