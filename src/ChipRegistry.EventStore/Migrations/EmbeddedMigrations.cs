using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ChipRegistry.EventStore;

/// <summary>
/// Reads migrations from resources named <c>{prefix}NNNN_name.sql</c> in an assembly, so other
/// modules (the domain's projection tables) ship their schema the same way the store does.
/// </summary>
public static partial class EmbeddedMigrations
{
    public const string StoreModule = "event_store";

    internal static IReadOnlyList<Migration> Store { get; } =
        Load(typeof(EmbeddedMigrations).Assembly, "ChipRegistry.EventStore.Migrations.", StoreModule);

    public static IReadOnlyList<Migration> Load(Assembly assembly, string resourcePrefix, string module)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            var match = FileName().Match(resource[resourcePrefix.Length..]);
            if (!match.Success)
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Resource {resource} vanished.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(module, int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Module {module} has two migrations numbered {duplicate.Key}.");
        }
        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
