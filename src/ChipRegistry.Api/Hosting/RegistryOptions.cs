using System.ComponentModel.DataAnnotations;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// The registry's settings: <c>ConnectionStrings:Registry</c> (environment
/// <c>ConnectionStrings__Registry</c>) and the <c>Registry</c> section (<c>Registry__Schema</c>, ...).
/// </summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";
    public const string ConnectionStringName = "Registry";
    public const string DefaultSchema = "chipregistry";

    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>The PostgreSQL schema holding the event store's tables.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Apply the store's migrations at startup (on by default; a locked-down deployment migrates separately).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public static class RegistryOptionsRegistration
{
    public static WebApplicationBuilder AddRegistryOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>()
            .Bind(builder.Configuration.GetSection(RegistryOptions.Section))
            .Configure(options => options.ConnectionString = builder.Configuration.GetConnectionString(RegistryOptions.ConnectionStringName) ?? options.ConnectionString)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<Requests.BusinessTimeOptions>().Bind(builder.Configuration.GetSection(Requests.BusinessTimeOptions.Section));
        return builder;
    }
}
