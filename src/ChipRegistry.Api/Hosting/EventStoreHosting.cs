using ChipRegistry.Domain;
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
        builder.Services.AddSingleton(services =>
            new NpgsqlDataSourceBuilder(services.GetRequiredService<IOptions<RegistryOptions>>().Value.ConnectionString).Build());
        builder.Services.AddSingleton(services => new EventStoreOptions(DomainEventTypes())
        {
            Schema = services.GetRequiredService<IOptions<RegistryOptions>>().Value.Schema,
        });
        builder.Services.AddSingleton(services => PostgresEventStore.Create(
            services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<EventStoreOptions>()));
        builder.Services.AddSingleton<IEventStore>(services => services.GetRequiredService<PostgresEventStore>());
        builder.Services.AddHostedService<SchemaMigrationService>();
        return builder;
    }

    private static EventTypeRegistry DomainEventTypes()
    {
        var registry = new EventTypeRegistry();
        foreach (var (type, name) in DomainEventNames.ByType)
        {
            registry.Register(type, name);
        }
        return registry;
    }
}
