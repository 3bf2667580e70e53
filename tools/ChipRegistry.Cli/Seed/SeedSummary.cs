using System.Globalization;
using System.Text.Json;
using ChipRegistry.World;
using ChipRegistry.World.Anomalies;

namespace ChipRegistry.Cli.Seed;

/// <summary>What a seed did, printed at the end as text or (<c>--json</c>) as one JSON object on stdout.</summary>
internal sealed record SeedSummary(
    int Seed, string Prefix, string Until, WorldReport Report, double Seconds, int Ticks, IReadOnlyDictionary<string, int> Unrouted, string AgencyOrganisation,
    string AgencyKey, long PeakMemoryMb)
{
    public double EventsPerSecond => Seconds > 0 ? Math.Round(Report.Events / Seconds, 1) : 0;

    public async Task PrintAsync(TextWriter output, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                seed = Seed,
                prefix = Prefix,
                until = Until,
                chips = Report.Chips,
                injectedChips = Report.InjectedChips,
                lots = Report.Lots,
                events = Report.Events,
                seconds = Math.Round(Seconds, 3),
                eventsPerSecond = EventsPerSecond,
                ticks = Ticks,
                peakMemoryMb = PeakMemoryMb,
                anomalies = Report.Anomalies.ByRule.Select(a => new { rule = a.Rule, projection = a.Name, flags = a.Flags }),
                injected = Report.Anomalies.Injected.Select(Injected),
                nearMisses = Report.Anomalies.NearMisses.Select(Injected),
                unrouted = Unrouted,
                eventsByType = Report.EventsByType.OrderBy(t => t.Key, StringComparer.Ordinal).ToDictionary(t => t.Key, t => t.Value),
                agencyOrganisation = AgencyOrganisation,
                agencyKey = AgencyKey,
            }));
            return;
        }
        var c = CultureInfo.InvariantCulture;
        await output.WriteLineAsync(string.Create(c, $"seeded {Report.Chips:N0} chips in {Report.Lots:N0} lots: {Report.Events:N0} events in {Seconds:F1} s ({EventsPerSecond:N0} events/s), {Ticks:N0} clock ticks to {Until}, peak memory {PeakMemoryMb:N0} MB"));
        await output.WriteLineAsync(string.Create(c,
            $"anomalies injected ({Report.Anomalies.Injected.Count:N0}, {Report.InjectedChips:N0} chips of their own; {Report.Anomalies.NearMisses.Count:N0} near misses that must raise nothing) and produced by the world's routes, by rule (the flags each should hold once the daemon has caught up):"));
        foreach (var (rule, name, flags) in Report.Anomalies.ByRule)
        {
            await output.WriteLineAsync(string.Create(c, $"  rule {rule,2} {name,-24} {flags,8:N0}"));
        }
        foreach (var (kind, count) in Unrouted)
        {
            await output.WriteLineAsync(string.Create(c, $"not sent (the API has no route): {count:N0} {kind}"));
        }
        await output.WriteLineAsync($"agency key for {AgencyOrganisation} (reads concentration and flags): {AgencyKey}");
    }

    private static object Injected(InjectedFlag flag) =>
        new { rule = flag.Rule, subjectKind = flag.SubjectKind, subjectId = flag.SubjectId, scenario = flag.Scenario };

    /// <summary>The process's peak resident memory (VmHWM), in MB; 0 where /proc does not tell it.</summary>
    public static long PeakMemory()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
