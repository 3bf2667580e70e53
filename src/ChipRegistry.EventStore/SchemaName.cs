using System.Text.RegularExpressions;

namespace ChipRegistry.EventStore;

/// <summary>
/// A PostgreSQL schema name that is safe to splice into SQL: lower case, at most 63 bytes
/// (PostgreSQL's identifier limit), and always written quoted.
/// </summary>
public sealed partial record SchemaName
{
    private SchemaName(string value) => Value = value;

    public string Value { get; }

    /// <summary>The identifier as it goes into SQL text.</summary>
    public string Quoted => $"\"{Value}\"";

    public static SchemaName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Pattern().IsMatch(value))
        {
            throw new ArgumentException($"'{value}' is not a valid schema name: use ^[a-z_][a-z0-9_]{{0,62}}$.", nameof(value));
        }
        return new SchemaName(value);
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
