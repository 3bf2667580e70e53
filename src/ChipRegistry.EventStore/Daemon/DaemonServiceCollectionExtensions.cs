using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChipRegistry.EventStore;

/// <summary>Hosting the daemon in a generic or web host.</summary>
public static class DaemonServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="ProjectionDaemon"/> over the registered <see cref="PostgresEventStore"/>
    /// as a singleton (inject it to wait for catch-up, rebuild or read health) and as a hosted service.
    /// </summary>
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services, Func<IServiceProvider, ProjectionDaemonOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => new ProjectionDaemon(sp.GetRequiredService<PostgresEventStore>(), options(sp), sp.GetService<ILogger<ProjectionDaemon>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        return services;
    }
}
