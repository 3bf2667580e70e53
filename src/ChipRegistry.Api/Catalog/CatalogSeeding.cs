using ChipRegistry.Domain.Catalog;
using ChipRegistry.Api.Hosting;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Catalog;

/// <summary>
/// Registers domain.md's catalog models once the schema is current (idempotent, safe on several hosts),
/// each under its vendor as manufacturer id (<c>nvidia</c>, <c>amd</c>, <c>intel</c>, <c>huawei</c>).
/// </summary>
internal sealed class CatalogSeeding(CommandPipeline commands, SchemaReadiness schema, IClock clock, ILogger<CatalogSeeding> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WhenReady.WaitAsync(stoppingToken);
        var registered = await commands.SeedCatalogAsync(
            vendor => vendor.ToLowerInvariant(), BuiltInOrganisations.RegistryAdmin, clock.GetCurrentInstant(), stoppingToken);
        if (registered.Count > 0)
        {
            logger.LogInformation("Seeded {Count} catalog models: {Models}.", registered.Count, string.Join(", ", registered));
        }
    }
}

public static class CatalogHosting
{
    public static WebApplicationBuilder AddCatalogSeeding(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<CatalogSeeding>();
        return builder;
    }
}
