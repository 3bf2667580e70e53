using System.Diagnostics;
using System.Reflection;

namespace ChipRegistry.Api.Tests.Probes;

/// <summary>What a probe printed (<c>name=value</c> lines on standard output, then its standard error) and how it ended.</summary>
public sealed record ProbeRun(int ExitCode, string Output)
{
    public string? Optional(string name) =>
        Output.Split('\n').Select(line => line.TrimEnd()).FirstOrDefault(line => line.StartsWith($"{name}=", StringComparison.Ordinal))?[(name.Length + 1)..];

    public string Value(string name) =>
        Optional(name) ?? throw new InvalidOperationException($"The probe printed no {name}=:\n{Output}");
}

/// <summary>
/// Runs a probe program (the API in a child process, so a test can kill it or cap its heap) built beside the tests;
/// the test project names each probe's path in assembly metadata. A probe that outlives its deadline is killed with
/// its children, so a hung child never outlives the test run.
/// </summary>
public static class ProbeProcess
{
    public static async Task<ProbeRun> RunAsync(
        string probeName, IEnumerable<string> arguments, TimeSpan deadline, IReadOnlyDictionary<string, string>? environment = null)
    {
        var probe = typeof(ProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == probeName).Value!;
        Assert.True(File.Exists(probe), $"{probe} is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(probe);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ProbeRun(process.ExitCode, $"{await output}\n{await errors}");
    }
}
