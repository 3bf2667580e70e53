using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>
/// CPU time spent by the benchmark's own process (the client: the pipeline, serialization, Npgsql) and by the
/// cluster's processes (every backend and background process <c>pg_stat_activity</c> lists, and the postmaster with
/// the time of its children that have exited, from /proc), read around a timed leg. The exited children's time
/// matters: a connection the pool closes during a leg takes its CPU out of the listed processes, and without the
/// postmaster's cutime/cstime the server side could even come out negative. Per operation these say what a path costs on each side: on a shared machine they move far
/// less with the other load than the operations per second do.
/// </summary>
internal readonly record struct CpuClock(TimeSpan Client, TimeSpan Server)
{
    /// <summary>Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public static CpuClock Zero => default;

    public static CpuClock operator -(CpuClock after, CpuClock before) => new(after.Client - before.Client, after.Server - before.Server);

    public static CpuClock operator +(CpuClock a, CpuClock b) => new(a.Client + b.Client, a.Server + b.Server);

    public static async Task<CpuClock> ReadAsync(NpgsqlDataSource dataSource)
    {
        var pids = new List<int>();
        await using (var command = dataSource.CreateCommand("select pid from pg_stat_activity"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }
        var ticks = 0L;
        int? postmaster = null;
        foreach (var pid in pids)
        {
            if (ReadStat(pid) is { } fields)
            {
                ticks += Ticks(fields, OwnUser, OwnSystem);
                // fields[1] is the parent: every backend and background process is the postmaster's child.
                postmaster ??= int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }
        if (postmaster is { } parent && ReadStat(parent) is { } own)
        {
            ticks += Ticks(own, OwnUser, OwnSystem) + Ticks(own, ExitedChildrenUser, ExitedChildrenSystem);
        }
        using var self = Process.GetCurrentProcess();
        return new CpuClock(self.TotalProcessorTime, TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }

    // Indexes into the fields after the parenthesised command name: fields[0] is the state (field 3 of stat), so
    // utime, stime, cutime and cstime (fields 14 to 17) are 11 to 14.
    private const int OwnUser = 11;
    private const int OwnSystem = 12;
    private const int ExitedChildrenUser = 13;
    private const int ExitedChildrenSystem = 14;

    private static long Ticks(string[] fields, int user, int system) =>
        long.Parse(fields[user], CultureInfo.InvariantCulture) + long.Parse(fields[system], CultureInfo.InvariantCulture);

    private static string[]? ReadStat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone since pg_stat_activity listed it (its time is now in the postmaster's cutime), or not ours to read
            // (a server elsewhere): not counted.
            return null;
        }
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }
}
