using System.Text.RegularExpressions;

namespace ChipRegistry.EventStore;

/// <summary>
/// The explicit map between event types and the names stored with them. Stored names are
/// stable snake_case chosen by hand, never CLR names, so renaming or moving a class does not
/// break stored history.
/// </summary>
public sealed partial class EventTypeRegistry
{
    private readonly Dictionary<Type, string> namesByType = [];
    private readonly Dictionary<string, Type> typesByName = new(StringComparer.Ordinal);

    public EventTypeRegistry Register<TEvent>(string name) where TEvent : class => Register(typeof(TEvent), name);

    public EventTypeRegistry Register(Type type, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        if (!SnakeCase().IsMatch(name))
        {
            throw new ArgumentException($"Event type name '{name}' is not snake_case.", nameof(name));
        }
        if (typesByName.TryGetValue(name, out var existingType) && existingType != type)
        {
            throw new ArgumentException($"Event type name '{name}' is already registered for {existingType.Name}.", nameof(name));
        }
        if (namesByType.TryGetValue(type, out var existingName) && existingName != name)
        {
            throw new ArgumentException($"{type.Name} is already registered as '{existingName}'.", nameof(type));
        }
        namesByType[type] = name;
        typesByName[name] = type;
        return this;
    }

    public IReadOnlyCollection<string> Names => typesByName.Keys;

    public string NameOf(Type type) => namesByType.TryGetValue(type, out var name)
        ? name
        : throw new ArgumentException($"{type.FullName} is not a registered event type.", nameof(type));

    public bool TryGetType(string name, out Type type) => typesByName.TryGetValue(name, out type!);

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SnakeCase();
}
