using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.LicenceCheckFailed;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;

namespace ChipRegistry.Api.Flags;

/// <summary>
/// Detection flags (docs/detection.md): agencies and the registry's administrators read every flag, no other role any
/// (a flag names parties under suspicion); agencies review them.
/// </summary>
public static class FlagEndpoints
{
    public const string ReaderPolicy = "flag_reader";
    public const string ReviewerPolicy = "flag_reviewer";

    public static WebApplicationBuilder AddFlags(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(services => new FlagReads(services.GetRequiredService<IEventStore>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>(),
            new EventSerializer(DomainStore.EventTypes())));
        builder.Services.AddSingleton(services => new LicenceCheckFailureReads(services.GetRequiredService<IEventStore>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReaderPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole))
            .AddPolicy(ReviewerPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Agency)));
        return builder;
    }

    public static IEndpointRouteBuilder MapFlagEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Flags").RequireAuthorization(ReaderPolicy);
        group.MapListFlags();
        group.MapGetFlag();
        group.MapReviewFlag();
        group.MapListLicenceCheckFailures();
        return endpoints;
    }
}
