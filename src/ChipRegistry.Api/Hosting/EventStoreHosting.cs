using ChipRegistry.Api.Attestations;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Lists;
using ChipRegistry.Domain.Projections.Custody;
using ChipRegistry.Domain.Projections.Inventories;
using ChipRegistry.Domain.Projections.Placements;
using ChipRegistry.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// The event store as the API hosts it: one data source, one store on the configured schema, and the
/// schema migrated in the background so the process serves <c>/health</c> even while the database is
/// still unreachable; <c>/health/ready</c> waits for the migrations.
/// </summary>
public static class EventStoreHosting
{
    public static WebApplicationBuilder AddRegistryStore(this WebApplicationBuilder builder)
    {
        // The one clock of the process: commands take their time from it, decisions never read it.
        builder.Services.AddSingleton<NodaTime.IClock>(NodaTime.SystemClock.Instance);
        builder.Services.AddSingleton(services =>
            new NpgsqlDataSourceBuilder(services.GetRequiredService<IOptions<RegistryOptions>>().Value.ConnectionString).UseNodaTime().Build());
        builder.Services.AddSingleton(services => StoreOptions(services.GetRequiredService<IOptions<RegistryOptions>>().Value.Schema));
        builder.Services.AddSingleton(services => PostgresEventStore.Create(
            services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<EventStoreOptions>()));
        builder.Services.AddSingleton<IEventStore>(services => services.GetRequiredService<PostgresEventStore>());
        builder.Services.AddSingleton(services => new RegistryReads(services.GetRequiredService<IEventStore>(), services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(services => new CommandPipeline(services.GetRequiredService<RegistryReads>()));
        builder.Services.AddSingleton(services => new PlacementReads(services.GetRequiredService<RegistryReads>(), services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(services => new ListReads(services.GetRequiredService<IEventStore>(), services.GetRequiredService<NpgsqlDataSource>(),
            new EventSerializer(DomainStore.EventTypes())));
        builder.Services.AddSingleton(services => new CustodyReads(services.GetRequiredService<RegistryReads>(), services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(services => new InventoryReads(services.GetRequiredService<RegistryReads>(), services.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton(services => new ChipPipeline(services.GetRequiredService<CommandPipeline>()));
        builder.Services.AddHostedService<SchemaMigrationService>();
        return builder;
    }

    /// <summary>The domain's options (events, chip-state and organisation projections, migrations) plus the API's keys and attestation keys.</summary>
    private static EventStoreOptions StoreOptions(string schema)
    {
        var domain = DomainStore.Options(schema);
        foreach (var (type, name) in ApiKeyEventNames.ByType.Concat(AttestationEventNames.ByType))
        {
            domain.EventTypes.Register(type, name);
        }
        return new EventStoreOptions(domain.EventTypes)
        {
            Schema = schema,
            InlineProjections = [.. domain.InlineProjections, new ApiKeyProjection(), new AttestationProjection(), new Webhooks.WebhookEscalations()],
            AdditionalMigrations =
            [
                .. domain.AdditionalMigrations,
                .. EmbeddedMigrations.Load(typeof(ApiKeyProjection).Assembly, "ChipRegistry.Api.Keys.Migrations.", "api_keys"),
                .. EmbeddedMigrations.Load(typeof(ApiKeyProjection).Assembly, "ChipRegistry.Api.Chips.Reads.Migrations.", Chips.Reads.ChipReadLog.MigrationModule),
                .. EmbeddedMigrations.Load(typeof(AttestationProjection).Assembly, "ChipRegistry.Api.Attestations.Migrations.", "attestations"),
                .. EmbeddedMigrations.Load(typeof(AttestationProjection).Assembly, "ChipRegistry.Api.Epcis.Migrations.", Epcis.EpcisImportedEvents.MigrationModule),
            ],
        };
    }
}
