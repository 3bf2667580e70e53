namespace ChipRegistry.Cli;

/// <summary>The checkout the command works for: the nearest folder upwards holding ChipRegistry.sln.</summary>
internal static class WorkingCopy
{
    public static string Find(string? start = null)
    {
        var directory = new DirectoryInfo(start ?? Environment.CurrentDirectory);
        for (var current = directory; current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, "ChipRegistry.sln")))
            {
                return current.FullName;
            }
        }
        return directory.FullName;
    }
}
