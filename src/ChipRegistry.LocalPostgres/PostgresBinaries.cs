using System.Globalization;

namespace ChipRegistry.LocalPostgres;

/// <summary>Where the PostgreSQL server programs (initdb, pg_ctl, postgres) live.</summary>
public sealed record PostgresBinaries(string Directory, int MajorVersion)
{
    public const string OverrideVariable = "PG_BIN";
    private const string DebianRoot = "/usr/lib/postgresql";
    private const string CreateClusterConfig = "/etc/postgresql-common/createcluster.conf";

    public string InitDb => Path.Combine(Directory, "initdb");
    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// The binaries named by <c>PG_BIN</c>, else the highest version under /usr/lib/postgresql;
    /// when there are none, installs Debian's package first (root only).
    /// </summary>
    public static PostgresBinaries Locate(Action<string>? log = null)
    {
        return TryLocate() ?? InstallFromDebian(log ?? (_ => { }));
    }

    public static PostgresBinaries? TryLocate() => TryLocate(Environment.GetEnvironmentVariable(OverrideVariable));

    /// <summary>The binaries in <paramref name="overridden"/> when given, else the highest Debian version, else null.</summary>
    public static PostgresBinaries? TryLocate(string? overridden)
    {
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            if (!File.Exists(Path.Combine(overridden, "initdb")))
            {
                throw new LocalPostgresException($"{OverrideVariable}={overridden} has no initdb.");
            }
            return new PostgresBinaries(overridden, ReadMajorVersion(overridden));
        }
        return FindHighestDebianVersion();
    }

    private static PostgresBinaries? FindHighestDebianVersion()
    {
        if (!System.IO.Directory.Exists(DebianRoot))
        {
            return null;
        }
        return System.IO.Directory.EnumerateDirectories(DebianRoot)
            .Select(versionDirectory => (Version: ParseVersion(Path.GetFileName(versionDirectory)), Bin: Path.Combine(versionDirectory, "bin")))
            .Where(candidate => candidate.Version is not null && File.Exists(Path.Combine(candidate.Bin, "initdb")) && File.Exists(Path.Combine(candidate.Bin, "pg_ctl")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => new PostgresBinaries(candidate.Bin, candidate.Version!.Value))
            .FirstOrDefault();
    }

    private static int? ParseVersion(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private static int ReadMajorVersion(string binDirectory)
    {
        var result = ExternalProcess.RunChecked(Path.Combine(binDirectory, "initdb"), ["--version"], TimeSpan.FromSeconds(30));
        // "initdb (PostgreSQL) 15.18 (Debian ...)": the first number is the major version.
        var token = result.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(part => part.Length > 0 && char.IsDigit(part[0]));
        var major = token?.Split('.')[0];
        return int.TryParse(major, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new LocalPostgresException($"Cannot read the version of {binDirectory}/initdb: {result.Output}");
    }

    private static PostgresBinaries InstallFromDebian(Action<string> log)
    {
        if (!ExternalProcess.IsRoot)
        {
            throw new LocalPostgresException(
                $"No PostgreSQL server binaries under {DebianRoot}/*/bin and {OverrideVariable} is not set. Install Debian's postgresql package, or run as root to have it installed.");
        }
        // Without this the package creates and starts a system cluster on port 5432 that nobody asked for.
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(CreateClusterConfig)!);
        File.AppendAllText(CreateClusterConfig, "\ncreate_main_cluster = false\n");
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        log("No PostgreSQL server binaries found: installing Debian's postgresql package (apt-get).");
        ExternalProcess.RunChecked("apt-get", ["update"], TimeSpan.FromMinutes(10), environment);
        ExternalProcess.RunChecked("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], TimeSpan.FromMinutes(15), environment);
        return FindHighestDebianVersion()
            ?? throw new LocalPostgresException($"Installed Debian's postgresql package, but still found no binaries under {DebianRoot}.");
    }
}
