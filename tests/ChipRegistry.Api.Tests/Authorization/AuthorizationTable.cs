namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>Reads docs/authorization.md's hand-written table: endpoint -> role -> expected cell.</summary>
internal static class AuthorizationTable
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Read()
    {
        var path = Hosting.ComposeService.RepositoryFile(Path.Combine("docs", "authorization.md"));
        var rows = File.ReadAllLines(path).Where(line => line.StartsWith('|')).Select(Cells).ToList();
        var header = rows.First(cells => cells[0] == "endpoint");
        var table = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var cells in rows.Where(cells => cells[0] != "endpoint" && !cells[0].StartsWith("---", StringComparison.Ordinal)))
        {
            table[cells[0]] = header.Skip(1).Zip(cells.Skip(1)).ToDictionary(pair => pair.First, pair => pair.Second);
        }
        return table;
    }

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
}
