using ChipRegistry.Api.Hosting;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Keys;

/// <summary>
/// On a registry with no active admin key, issues one to the built-in registry organisation: the token
/// from CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY, or a generated one printed once. Only its hash is stored.
/// </summary>
public sealed class BootstrapAdminKey(ApiKeys keys, SchemaReadiness schema, IConfiguration configuration, ILogger<BootstrapAdminKey> logger) : BackgroundService
{
    public const string Variable = "CHIPREGISTRY_BOOTSTRAP_ADMIN_KEY";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WhenReady.WaitAsync(stoppingToken);
        if (await keys.AnyActiveKeyAsync(BuiltInOrganisations.RegistryId, ApiKeys.AdminRole, stoppingToken))
        {
            return;
        }
        var configured = configuration[Variable];
        if (!string.IsNullOrEmpty(configured))
        {
            if (!ApiKeyToken.IsPlausible(configured))
            {
                logger.LogError("{Variable} must be 24 to 256 characters; no admin key was issued.", Variable);
                return;
            }
            await keys.IssueAsync($"bootstrap-{DateTime.UtcNow:yyyyMMddHHmmss}", configured, BuiltInOrganisations.RegistryId, ApiKeys.AdminRole, "bootstrap (from environment)", BuiltInOrganisations.RegistryId, stoppingToken);
            logger.LogWarning("Issued the bootstrap admin key from {Variable}.", Variable);
            return;
        }
        var (keyId, token) = await keys.IssueAsync(BuiltInOrganisations.RegistryId, ApiKeys.AdminRole, "bootstrap (generated)", BuiltInOrganisations.RegistryId, stoppingToken);
        // Printed once, to the console of whoever started the registry; never logged to a sink or stored.
        Console.Out.WriteLine($"ChipRegistry bootstrap admin key (shown once; key id {keyId}): {token}");
    }
}
