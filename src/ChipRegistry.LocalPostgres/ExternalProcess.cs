using System.Diagnostics;
using System.Text;

namespace ChipRegistry.LocalPostgres;

/// <summary>The result of a finished child process.</summary>
public sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs the PostgreSQL tools. As root they run through <c>runuser -u postgres</c>,
/// because initdb and the server refuse to run as root.
/// </summary>
internal static class ExternalProcess
{
    public static bool IsRoot => Environment.UserName == "root" || GetEffectiveUserId() == 0;

    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output)
            {
                return new ProcessResult(-1, $"{fileName} did not finish within {timeout}: {output}");
            }
        }
        process.WaitForExit();
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    /// <summary>Runs a PostgreSQL tool as the <c>postgres</c> user when we are root, as ourselves otherwise.</summary>
    public static ProcessResult RunAsServerUser(string tool, IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!IsRoot)
        {
            return Run(tool, arguments, timeout);
        }
        return Run("runuser", ["-u", PostgresUser.Name, "--", tool, .. arguments], timeout);
    }

    public static ProcessResult RunChecked(string fileName, IEnumerable<string> arguments, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var list = arguments.ToList();
        var result = Run(fileName, list, timeout, environment);
        if (!result.Succeeded)
        {
            throw new LocalPostgresException($"'{fileName} {string.Join(' ', list)}' failed with exit code {result.ExitCode}: {result.Output}");
        }
        return result;
    }

    private static uint GetEffectiveUserId()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return uint.MaxValue;
    }
}
