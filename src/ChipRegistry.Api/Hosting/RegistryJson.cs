using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Hosting;

/// <summary>
/// How responses are written: every NodaTime value through the package's converters with the registry's patterns
/// (<see cref="RegistryTime"/>), so an <c>Instant</c> is RFC 3339 UTC with <c>Z</c>, never <c>{}</c>.
/// </summary>
public static class RegistryJson
{
    public static WebApplicationBuilder AddRegistryJson(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.ConfigureForRegistryTime());
        return builder;
    }
}
