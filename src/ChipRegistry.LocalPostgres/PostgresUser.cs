namespace ChipRegistry.LocalPostgres;

/// <summary>
/// The operating-system account that owns cluster directories when we run as root.
/// Debian's postgresql package creates it; a machine with bare binaries may lack it.
/// </summary>
internal static class PostgresUser
{
    public const string Name = "postgres";

    public static void EnsureExists()
    {
        if (!ExternalProcess.IsRoot || Exists())
        {
            return;
        }
        ExternalProcess.RunChecked("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", Name], TimeSpan.FromSeconds(30));
    }

    /// <summary>Hands a directory to the server's account, so initdb can write in it.</summary>
    public static void Own(string directory)
    {
        if (!ExternalProcess.IsRoot)
        {
            return;
        }
        ExternalProcess.RunChecked("chown", ["-R", $"{Name}:", directory], TimeSpan.FromSeconds(30));
    }

    private static bool Exists() => ExternalProcess.Run("id", ["-u", Name], TimeSpan.FromSeconds(10)).Succeeded;
}
