using System.Globalization;
using ChipRegistry.Api.Tests.Probes;
using ChipRegistry.Testing;
using Npgsql;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>
/// A 100,000-serial lot is streamed, not held: a child process (tests/ChipRegistry.LotProbe, the API on Kestrel in
/// process) first registers a 1,000-serial lot and reports its heap after a full collection; a second child, whose
/// GC heap is capped 64 MiB above that, must register 100,000 serials.
/// </summary>
public sealed class LargeLotTests
{
    private const long Headroom = 64L * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(20);

    [Fact]
    public async Task a_hundred_thousand_serial_lot_registers_within_64_mib_of_heap_above_a_thousand_serial_lot()
    {
        await using var database = await TestDatabase.CreateAsync(TestContext.Current.CancellationToken);

        var small = await ProbeAsync(database.ConnectionString, 1_000, "probe-small", heapLimit: null);
        Assert.True(small.ExitCode == 0, small.Output);
        var heap = long.Parse(small.Value("heap"), CultureInfo.InvariantCulture);
        Assert.InRange(heap, 1, 4L * 1024 * 1024 * 1024);

        var large = await ProbeAsync(database.ConnectionString, 100_000, "probe-large", heapLimit: heap + Headroom);
        TestContext.Current.TestOutputHelper?.WriteLine($"heap after 1,000 serials: {heap:N0} bytes; 100,000 serials under a limit of {heap + Headroom:N0} bytes");

        Assert.True(large.ExitCode == 0, $"heap limit {heap + Headroom:N0} bytes:\n{large.Output}");
        Assert.Equal("201", large.Value("status"));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = new NpgsqlCommand("select count(*) from chipregistry.chip_state where lot_id = 'probe-large'", connection);
        Assert.Equal(100_000L, (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    private static Task<ProbeRun> ProbeAsync(string connectionString, int serials, string lotId, long? heapLimit)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_gcServer"] = "0" };
        if (heapLimit is { } limit)
        {
            environment["DOTNET_GCHeapHardLimit"] = limit.ToString("X", CultureInfo.InvariantCulture);
        }
        return ProbeProcess.RunAsync("LotProbe", [connectionString, serials.ToString(CultureInfo.InvariantCulture), lotId, "--report-heap"], Deadline, environment);
    }
}
