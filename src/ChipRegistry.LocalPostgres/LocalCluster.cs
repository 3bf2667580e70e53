using System.Globalization;
using Npgsql;

namespace ChipRegistry.LocalPostgres;

/// <summary>
/// One PostgreSQL cluster on this machine: a directory holding the data directory, the server's
/// Unix socket, its log and (for throwaway clusters) the owner marker.
/// </summary>
public sealed class LocalCluster
{
    public const string Superuser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private LocalCluster(string directory, PostgresBinaries binaries, int socketPort)
    {
        Directory = directory;
        Binaries = binaries;
        SocketPort = socketPort;
    }

    public string Directory { get; }
    public PostgresBinaries Binaries { get; }
    public int SocketPort { get; }
    public string DataDirectory => Path.Combine(Directory, "data");
    public string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>Connects over the Unix socket in the cluster's own directory.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Directory,
        Port = SocketPort,
        Username = Superuser,
        Database = database,
    }.ConnectionString;

    public bool IsInitialized => File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));

    public bool IsRunning =>
        ExternalProcess.RunAsServerUser(Binaries.PgCtl, ["-D", DataDirectory, "status"], CommandTimeout).ExitCode == 0;

    /// <summary>Opens an existing cluster directory, e.g. one found by the reaper or named in .data/.</summary>
    public static LocalCluster Open(string directory, PostgresBinaries binaries, int socketPort) => new(directory, binaries, socketPort);

    /// <summary>Creates the directory (owned by the server's account when we are root) and runs initdb.</summary>
    public static LocalCluster Create(string directory, PostgresBinaries binaries, ClusterSettings settings, ClusterOwner? owner = null)
    {
        if (Path.GetFullPath(directory).Length > 90)
        {
            // A Unix socket path is limited to 107 bytes, and ours is this directory plus "/.s.PGSQL.NNNNN".
            throw new LocalPostgresException($"Cluster directory '{directory}' is too long for a Unix socket path.");
        }
        PostgresUser.EnsureExists();
        System.IO.Directory.CreateDirectory(directory);
        // The server's account must be able to enter every parent; a root mktemp -d (0700) would lock it out.
        if (OperatingSystem.IsWindows())
        {
            throw new LocalPostgresException("Local clusters are managed on Linux only.");
        }
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        owner?.WriteMarker(directory);
        PostgresUser.Own(directory);

        var cluster = new LocalCluster(directory, binaries, settings.SocketPort);
        ExternalProcess.RunChecked(ExternalProcess.IsRoot ? "runuser" : binaries.InitDb,
            ExternalProcess.IsRoot
                ? ["-u", PostgresUser.Name, "--", binaries.InitDb, "-D", cluster.DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"]
                : ["-D", cluster.DataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"],
            CommandTimeout);
        File.AppendAllLines(Path.Combine(cluster.DataDirectory, "postgresql.conf"),
            ["", "# ChipRegistry local cluster", .. settings.ConfigurationLines(directory)]);
        return cluster;
    }

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }
        var result = ExternalProcess.RunAsServerUser(Binaries.PgCtl, ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "start"], CommandTimeout);
        if (!result.Succeeded)
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no server log)";
            throw new LocalPostgresException($"pg_ctl start failed for {DataDirectory}: {result.Output}\n{log}");
        }
    }

    /// <summary>Stops the server; <paramref name="immediate"/> skips the shutdown checkpoint (throwaway data).</summary>
    public void Stop(bool immediate = false)
    {
        if (!IsInitialized)
        {
            return;
        }
        var result = ExternalProcess.RunAsServerUser(Binaries.PgCtl, ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "-t", "60", "stop"], CommandTimeout);
        if (!result.Succeeded && IsRunning)
        {
            KillPostmaster();
        }
    }

    /// <summary>Stops the server and deletes the whole cluster directory.</summary>
    public void Remove()
    {
        Stop(immediate: true);
        KillPostmaster();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Last resort when pg_ctl cannot stop the server: the postmaster's pid is line 1 of postmaster.pid.</summary>
    private void KillPostmaster()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }
        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
            catch (InvalidOperationException)
            {
                // Exited between the lookup and the kill.
            }
        }
    }
}
