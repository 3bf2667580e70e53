using System.Text;
using System.Text.RegularExpressions;

namespace ChipRegistry.Api.Tests.Docs;

/// <summary>One request of the walkthrough: what curl would send and the status the text promises.</summary>
public sealed record CurlStep(int Line, string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body, int? ExpectedStatus, string? ExportName, string? ExportPath);

/// <summary>
/// Reads the shell of a documentation section the way a reader would paste it: <c>export NAME=value</c>,
/// <c>export NAME=$(curl … | jq -r .field)</c>, and <c>curl</c> commands, each preceded by a comment that ends
/// in <c>→ 201</c> (the status the reader should see). Only the shell a reader needs is understood: single and
/// double quotes, backslash line continuations, <c>$NAME</c>/<c>${NAME}</c> outside single quotes.
/// Anything else in a block is an error, so the walkthrough cannot drift into commands the test skips.
/// </summary>
public static partial class CurlWalkthrough
{
    public static IReadOnlyList<(int Line, string Command, int? Expected)> Commands(string markdown, string section)
    {
        var lines = markdown.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == $"## {section}");
        if (start < 0) throw new InvalidOperationException($"No section '## {section}'.");
        var commands = new List<(int, string, int?)>();
        var inBlock = false;
        int? expected = null;
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock && line == "```sh";
                expected = null;
                continue;
            }
            if (!inBlock || line.Trim().Length == 0) continue;
            if (line.TrimStart().StartsWith('#'))
            {
                var match = ExpectedStatus().Match(line);
                expected = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : expected;
                continue;
            }
            var first = i + 1;
            var command = new StringBuilder(line);
            while (i + 1 < lines.Length && !lines[i + 1].StartsWith("```", StringComparison.Ordinal))
            {
                if (InOpenQuote(command.ToString()))
                {
                    // A quoted word goes on over the line break, and keeps it, as in the shell.
                    command.Append('\n').Append(lines[++i].TrimEnd('\r'));
                }
                else if (command.ToString().EndsWith('\\'))
                {
                    command.Length--;
                    while (command.Length > 0 && command[^1] == ' ') command.Length--;
                    command.Append(' ').Append(lines[++i].TrimEnd('\r').Trim());
                }
                else
                {
                    break;
                }
            }
            commands.Add((first, command.ToString().Trim(), expected));
            expected = null;
        }
        return commands;
    }

    /// <summary>Whether the text ends inside a single- or double-quoted string (the shell would read on).</summary>
    private static bool InOpenQuote(string text)
    {
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = null;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            else if (quote == '"')
            {
                if (c == '"') quote = null;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
        }
        return quote is not null;
    }

    /// <summary>Turns one command into a step, expanding variables known so far (exports are applied by the caller).</summary>
    public static CurlStep? Parse(int line, string command, int? expected, IDictionary<string, string> variables)
    {
        var export = ExportCurl().Match(command);
        if (export.Success)
        {
            var inner = Parse(line, export.Groups[2].Value, expected, variables) ?? throw new FormatException($"line {line}: $(…) must run curl");
            return inner with { ExportName = export.Groups[1].Value, ExportPath = export.Groups[3].Value };
        }
        var literal = ExportLiteral().Match(command);
        if (literal.Success)
        {
            variables[literal.Groups[1].Value] = Words(literal.Groups[2].Value, variables, line).Single();
            return null;
        }
        var words = Words(command, variables, line);
        if (words.Count == 0 || words[0] != "curl") throw new FormatException($"line {line}: only export and curl are replayed, not '{command}'");
        var method = "GET";
        string? url = null;
        string? body = null;
        var headers = new List<KeyValuePair<string, string>>();
        for (var w = 1; w < words.Count; w++)
        {
            switch (words[w])
            {
                case "-s" or "-sS" or "-S" or "--silent" or "--show-error" or "-i":
                    break;
                case "-X" or "--request":
                    method = words[++w];
                    break;
                case "-H" or "--header":
                    var header = words[++w];
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
                    break;
                case "-d" or "--data" or "--data-raw":
                    body = words[++w];
                    if (method == "GET") method = "POST";
                    break;
                default:
                    if (words[w].StartsWith('-')) throw new FormatException($"line {line}: curl option {words[w]} is not replayed");
                    url = url is null ? words[w] : throw new FormatException($"line {line}: two URLs");
                    break;
            }
        }
        return new CurlStep(line, method, url ?? throw new FormatException($"line {line}: no URL"), headers, body, expected, null, null);
    }

    private static List<string> Words(string text, IDictionary<string, string> variables, int line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
                continue;
            }
            inWord = true;
            if (c == '\'')
            {
                var end = text.IndexOf('\'', i + 1);
                if (end < 0) throw new FormatException($"line {line}: unclosed single quote");
                word.Append(text, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$') word.Append(text[++i]);
                    else if (text[i] == '$') i = Expand(text, i, word, variables, line);
                    else word.Append(text[i]);
                }
                if (i >= text.Length) throw new FormatException($"line {line}: unclosed double quote");
            }
            else if (c == '$')
            {
                i = Expand(text, i, word, variables, line);
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
            }
            else
            {
                word.Append(c);
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static int Expand(string text, int dollar, StringBuilder into, IDictionary<string, string> variables, int line)
    {
        var match = Variable().Match(text, dollar);
        if (!match.Success || match.Index != dollar) throw new FormatException($"line {line}: '$' not followed by a variable name");
        var name = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        into.Append(variables.TryGetValue(name, out var value) ? value : throw new FormatException($"line {line}: ${name} is not set"));
        return dollar + match.Length - 1;
    }

    [GeneratedRegex(@"(?:→|->)\s*(\d{3})\s*$")]
    private static partial Regex ExpectedStatus();

    [GeneratedRegex(@"^export\s+([A-Z_][A-Z0-9_]*)=\$\((curl .*?)\s*\|\s*jq -r '?\.([A-Za-z0-9_.]+)'?\)$", RegexOptions.Singleline)]
    private static partial Regex ExportCurl();

    [GeneratedRegex(@"^export\s+([A-Z_][A-Z0-9_]*)=(.*)$")]
    private static partial Regex ExportLiteral();

    [GeneratedRegex(@"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();
}
