using ChipRegistry.Domain.Chips;

namespace ChipRegistry.Domain.Tests.Chips;

/// <summary>The hand-written docs/lifecycle.md against the code: every (state, command) pair, both tables.</summary>
public class LifecycleTableTests
{
    private sealed record Table(IReadOnlyList<string> States, IReadOnlyDictionary<(string Command, string State), string> Cells);

    private static readonly Lazy<string> Document = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "lifecycle.md")));

    /// <summary>The markdown table following the heading <paramref name="heading"/> whose header starts with "command".</summary>
    private static Table Parse(string heading)
    {
        var lines = Document.Value.Split('\n').Select(l => l.Trim()).ToList();
        var start = lines.FindIndex(l => l == $"## {heading}");
        Assert.True(start >= 0, $"docs/lifecycle.md has no section '{heading}'");
        var header = lines.FindIndex(start, l => l.StartsWith("| command |", StringComparison.Ordinal));
        static string[] Cells(string row) => row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var states = Cells(lines[header]).Skip(1).ToList();
        var cells = new Dictionary<(string, string), string>();
        foreach (var row in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var values = Cells(row);
            Assert.Equal(states.Count + 1, values.Length);
            for (var i = 0; i < states.Count; i++) cells.Add((values[0], states[i]), values[i + 1]);
        }
        return new Table(states, cells);
    }

    private static IEnumerable<Type> CommandTypes(Type marker) =>
        typeof(IChipCommand).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && marker.IsAssignableFrom(t)).OrderBy(t => t.Name);

    private static string Snake(ChipStage stage) => string.Concat(stage.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    public static TheoryData<string> Sections => new("Commands from the rightful party", "Reports from anyone else");

    [Theory]
    [MemberData(nameof(Sections))]
    public void the_table_has_a_cell_for_every_state_and_command_of_the_code(string section)
    {
        var table = Parse(section);
        var marker = section.StartsWith("Reports", StringComparison.Ordinal) ? typeof(IChipReport) : typeof(IChipCommand);
        var commands = CommandTypes(marker).Select(t => t.Name).ToList();

        Assert.Empty(Enum.GetValues<ChipStage>().Select(Snake).Except(table.States));
        foreach (var command in commands)
        {
            foreach (var state in table.States)
            {
                Assert.True(table.Cells.ContainsKey((command, state)), $"{section}: no cell for ({state}, {command})");
            }
        }
        Assert.Empty(table.Cells.Keys.Select(k => k.Command).Distinct().Except(commands));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void every_cell_matches_the_decision(string section)
    {
        var table = Parse(section);
        var stranger = section.StartsWith("Reports", StringComparison.Ordinal) ? ChipWorld.Stranger : null;
        var mismatches = new List<string>();
        foreach (var ((command, state), expected) in table.Cells)
        {
            var type = typeof(IChipCommand).Assembly.GetTypes().Single(t => t.Name == command);
            var before = ChipWorld.Named(state);
            var decision = ChipDecisions.Decide(ChipWorld.Canonical(type, before, stranger), before);
            var actual = !decision.IsAccepted ? decision.Error!.Code
                : decision.Events.Count == 1 && decision.Events[0] is ChipObserved ? "observed"
                : decision.Events.Count > 0 && !decision.Events.Any(e => e is ChipObserved) ? "ok"
                : $"unexpected events: {decision}";
            if (!decision.IsAccepted) Assert.Empty(decision.Events);
            if (actual != expected) mismatches.Add($"({state}, {command}): table says {expected}, code says {actual}");
        }
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }
}
