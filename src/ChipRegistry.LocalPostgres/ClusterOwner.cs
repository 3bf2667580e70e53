using System.Globalization;

namespace ChipRegistry.LocalPostgres;

/// <summary>
/// The process that owns a throwaway cluster, identified by its id and its start time
/// (a bare pid can be reused by an unrelated process after the owner died).
/// </summary>
public sealed record ClusterOwner(int ProcessId, long StartTicks)
{
    public const string MarkerFileName = "owner";

    public static ClusterOwner ForProcess(int processId) =>
        new(processId, ReadStartTicks(processId) ?? throw new LocalPostgresException($"Process {processId} does not exist."));

    public static ClusterOwner Current => ForProcess(Environment.ProcessId);

    public bool IsAlive => ReadStartTicks(ProcessId) == StartTicks;

    public void WriteMarker(string clusterDirectory) =>
        File.WriteAllText(Path.Combine(clusterDirectory, MarkerFileName), string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {StartTicks}\n"));

    public static ClusterOwner? ReadMarker(string clusterDirectory)
    {
        var path = Path.Combine(clusterDirectory, MarkerFileName);
        if (!File.Exists(path))
        {
            return null;
        }
        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new ClusterOwner(pid, ticks)
            : null;
    }

    /// <summary>Field 22 of /proc/PID/stat: the start time in clock ticks since boot.</summary>
    private static long? ReadStartTicks(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // afterName[0] is field 3 (state), so field 22 is afterName[19].
            return long.Parse(afterName[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
