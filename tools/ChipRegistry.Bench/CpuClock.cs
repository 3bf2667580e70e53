using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>
/// CPU time spent by the benchmark's own process (the client: the pipeline, serialization, Npgsql) and by the
/// cluster's processes (every backend and background process <c>pg_stat_activity</c> lists, from /proc), read
/// around a timed leg. Per operation these say what a path costs on each side: on a shared machine they move far
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
        foreach (var pid in pids)
        {
            ticks += ProcessTicks(pid);
        }
        using var self = Process.GetCurrentProcess();
        return new CpuClock(self.TotalProcessorTime, TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }

    /// <summary>utime + stime of a process, from the fields after the parenthesised command name.</summary>
    private static long ProcessTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone since pg_stat_activity listed it, or not ours to read (a server elsewhere): not counted.
            return 0;
        }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is the state (field 3 of stat); utime and stime are fields 14 and 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
