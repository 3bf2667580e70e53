using ChipRegistry.Domain.Projections;
using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// The async daemon in the API process: it keeps the high-water mark (which caps the feed) and runs the
/// async projections. It starts once the schema is migrated, since it reads the store's tables at start.
/// Every instance runs one; leadership (an advisory lock per projection) keeps one active runner.
/// </summary>
public static class DaemonHosting
{
    public static WebApplicationBuilder AddRegistryDaemon(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new ProjectionDaemon(
            services.GetRequiredService<PostgresEventStore>(),
            new ProjectionDaemonOptions { Projections = RegistryProjections.All() },
            services.GetRequiredService<ILogger<ProjectionDaemon>>()));
        builder.Services.AddHostedService<DaemonHostService>();
        return builder;
    }
}

internal sealed class DaemonHostService(ProjectionDaemon daemon, SchemaReadiness schema) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WhenReady.WaitAsync(stoppingToken);
        await daemon.StartAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await daemon.StopAsync(cancellationToken);
    }
}
