namespace ChipRegistry.Api.Tests.Hosting;

/// <summary>
/// Reads one service's environment and port mappings from the repository's docker-compose.yml.
/// A deliberately small reader for the block style that file uses, not a YAML parser.
/// </summary>
internal sealed record ComposeService(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<(int Host, int Container)> Ports)
{
    public static ComposeService Read(string path, string service)
    {
        var lines = File.ReadAllLines(path);
        var environment = new Dictionary<string, string>();
        var ports = new List<(int, int)>();
        var inService = false;
        string? section = null;
        foreach (var raw in lines)
        {
            if (raw.Trim().Length == 0 || raw.TrimStart().StartsWith('#'))
            {
                continue;
            }
            var indent = raw.Length - raw.TrimStart().Length;
            var line = raw.Trim();
            if (indent == 2)
            {
                inService = line == $"{service}:";
                section = null;
                continue;
            }
            if (indent == 0)
            {
                inService = false;
            }
            if (!inService)
            {
                continue;
            }
            if (indent == 4)
            {
                section = line.TrimEnd(':');
                continue;
            }
            if (section == "environment" && indent == 6)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                environment[line[..colon].Trim()] = Unquote(line[(colon + 1)..].Trim());
            }
            else if (section == "ports" && indent == 6 && line.StartsWith('-'))
            {
                var mapping = Unquote(line[1..].Trim()).Split(':');
                ports.Add((int.Parse(mapping[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(mapping[1], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        return new ComposeService(environment, ports);
    }

    public static string RepositoryFile(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, name);
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln")))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{name} not found above {AppContext.BaseDirectory}");
    }

    private static string Unquote(string value) => value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
