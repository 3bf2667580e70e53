using ChipRegistry.EventStore;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// Everything the event store needs to know about the domain: the stored event names (from
/// <see cref="DomainEventNames.ByType"/>), the inline projections, and the domain's own numbered migrations
/// (<c>Persistence/Migrations/NNNN_name.sql</c>, embedded, module <see cref="MigrationModule"/>).
/// </summary>
public static class DomainStore
{
    public const string MigrationModule = "domain";

    public const string MigrationResourcePrefix = "ChipRegistry.Domain.Migrations.";

    /// <summary>The store's type registry: every domain event under its stored snake_case name.</summary>
    public static EventTypeRegistry EventTypes()
    {
        var registry = new EventTypeRegistry();
        foreach (var (type, name) in DomainEventNames.ByType)
        {
            registry.Register(type, name);
        }
        return registry;
    }

    public static IReadOnlyList<Migration> Migrations { get; } =
        EmbeddedMigrations.Load(typeof(DomainStore).Assembly, MigrationResourcePrefix, MigrationModule);

    /// <summary>
    /// The store's options for the registry: the domain's event types, its inline projections (chip state,
    /// organisations) and its migrations, in the given schema.
    /// </summary>
    public static EventStoreOptions Options(string schema = EventStoreOptions.DefaultSchema)
    {
        var types = EventTypes();
        var serializer = new EventSerializer(types);
        return new EventStoreOptions(types)
        {
            Schema = schema,
            InlineProjections = [new ChipStateProjection(), new OrganisationProjection(serializer)],
            AdditionalMigrations = Migrations,
        };
    }
}
