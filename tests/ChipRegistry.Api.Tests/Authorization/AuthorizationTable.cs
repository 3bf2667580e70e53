namespace ChipRegistry.Api.Tests.Authorization;

/// <summary>Reads docs/authorization.md's hand-written table: endpoint -> role -> expected cell.</summary>
internal static class AuthorizationTable
{
    /// <summary>The table of <c>/api/v1</c> endpoints (first column <c>endpoint</c>, a column per role).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Read() => ReadTable("endpoint");

    /// <summary>The table of paths outside <c>/api/v1</c> (first column <c>path</c>): path -> who.</summary>
    public static IReadOnlyDictionary<string, string> ReadOutsideApi() =>
        ReadTable("path").ToDictionary(row => row.Key, row => row.Value["who"]);

    /// <summary>The rows of the table whose header starts with <paramref name="firstColumn"/>, up to the table's end.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadTable(string firstColumn)
    {
        var path = Hosting.ComposeService.RepositoryFile(Path.Combine("docs", "authorization.md"));
        var rows = File.ReadAllLines(path)
            .SkipWhile(line => !(line.StartsWith('|') && Cells(line)[0] == firstColumn))
            .TakeWhile(line => line.StartsWith('|'))
            .Select(Cells).ToList();
        var header = rows[0];
        var table = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var cells in rows.Skip(1).Where(cells => !cells[0].StartsWith("---", StringComparison.Ordinal)))
        {
            table[cells[0]] = header.Skip(1).Zip(cells.Skip(1)).ToDictionary(pair => pair.First, pair => pair.Second);
        }
        return table;
    }

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
}
