using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Tests.Chips;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Idempotency;

/// <summary>
/// A write under an Idempotency-Key whose process dies after its events are committed and before it answers: a child
/// process (tests/ChipRegistry.CrashProbe, the API on Kestrel in process) posts the write and kills itself with SIGKILL
/// at that moment, printing the response it had kept; the retry, through another API process on the same database,
/// must get that response byte for byte, not a second decision (409 sale_already_offered).
/// </summary>
public sealed class CrashedWriteTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task a_retry_after_a_crash_between_the_commit_and_the_answer_gets_the_original_201_byte_for_byte()
    {
        var arrange = new ChipArranger(host);
        var chip = await arrange.FabricatedAsync();
        var token = (await host.IssueKeyAsync(ChipArranger.Manufacturer, "manufacturer")).Token;
        var path = $"/api/v1/chips/{chip}/sale-offer";
        var json = JsonSerializer.Serialize(new SaleOfferRequest(ChipArranger.Buyer), ApiFixture.Json);
        var key = Guid.NewGuid().ToString();

        var crashed = await ProbeAsync(host.Database.ConnectionString, path, token, key, json);

        Assert.True(crashed.ExitCode is not (0 or 2 or 3), $"the probe was to die after the commit, not answer (exit {crashed.ExitCode}):\n{crashed.Output}");
        Assert.Equal("201", Value(crashed.Output, "status"));
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
        var retry = await host.PostRawAsync(path, token, json, new Dictionary<string, string> { ["Idempotency-Key"] = key });

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(Value(crashed.Output, "header.ETag"), retry.Headers.ETag?.ToString());
        Assert.Null(Optional(crashed.Output, "header.Location"));
        Assert.Null(retry.Headers.Location);
        Assert.Equal(Value(crashed.Output, "header.Content-Type"), retry.Content.Headers.ContentType?.ToString());
        Assert.Equal(Convert.FromBase64String(Value(crashed.Output, "body")), await retry.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(2L, await host.ChipVersionAsync(chip));
    }

    private static string Value(string output, string name) =>
        Optional(output, name) ?? throw new InvalidOperationException($"The probe printed no {name}=:\n{output}");

    private static string? Optional(string output, string name) =>
        output.Split('\n').Select(line => line.TrimEnd('\r')).FirstOrDefault(line => line.StartsWith($"{name}=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static async Task<(int ExitCode, string Output)> ProbeAsync(string connectionString, string path, string token, string key, string json)
    {
        var probe = typeof(CrashedWriteTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashProbe").Value!;
        Assert.True(File.Exists(probe), $"{probe} is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { probe, connectionString, path, token, key, json })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, $"{await output}\n{await errors}");
    }
}
