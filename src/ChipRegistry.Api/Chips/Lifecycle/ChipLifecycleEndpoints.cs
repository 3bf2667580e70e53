using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>
/// Which roles may ever use a chip write (everyone else gets 403 before any chip is looked at). Within a role,
/// the relation to the chip decides: a chip the caller may not see is the fixed 404.
/// </summary>
public static class ChipPolicies
{
    /// <summary>Organisations that can own or hold chips: every kind but agencies (and the registry itself).</summary>
    public const string Trader = "chips.trader";

    /// <summary>Operators: only they run facilities, so only they install, assign tenants and remove.</summary>
    public const string Operator = "chips.operator";

    /// <summary>Agencies: holds, releases, illegitimacy declarations, lot holds.</summary>
    public const string Agency = "chips.agency";

    /// <summary>Manufacturers: chip lots.</summary>
    public const string Manufacturer = "chips.manufacturer";

    /// <summary>Voids: whoever records chip events (traders for their own, agencies for any).</summary>
    public const string Voider = "chips.voider";

    /// <summary>Observations: any organisation, not the registry's administrators.</summary>
    public const string Observer = "chips.observer";

    public static readonly string[] TraderRoles = [.. new[]
    {
        OrganisationKind.Manufacturer, OrganisationKind.Distributor, OrganisationKind.Forwarder, OrganisationKind.Integrator,
        OrganisationKind.Operator, OrganisationKind.EndUser,
    }.Select(Callers.Callers.RoleOf)];

    public static readonly string AgencyRole = Callers.Callers.RoleOf(OrganisationKind.Agency);

    /// <summary>The problem statuses every chip write can answer.</summary>
    public static readonly int[] WriteProblems =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests,
    ];
}

/// <summary>The chip write endpoints: lots, per-chip lifecycle acts, and third-party observations.</summary>
public static class ChipLifecycleEndpoints
{
    public static WebApplicationBuilder AddChipWrites(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChipWrites>();
        builder.Services.AddSingleton<Lots.LotIdLocks>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ChipPolicies.Trader, policy => policy.RequireRole(ChipPolicies.TraderRoles))
            .AddPolicy(ChipPolicies.Operator, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Operator)))
            .AddPolicy(ChipPolicies.Agency, policy => policy.RequireRole(ChipPolicies.AgencyRole))
            .AddPolicy(ChipPolicies.Manufacturer, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Manufacturer)))
            .AddPolicy(ChipPolicies.Voider, policy => policy.RequireRole([.. ChipPolicies.TraderRoles, ChipPolicies.AgencyRole]))
            .AddPolicy(ChipPolicies.Observer, policy => policy.RequireRole([.. ChipPolicies.TraderRoles, ChipPolicies.AgencyRole]));
        return builder;
    }

    /// <summary><c>/api/v1/chips/{chipId}/...</c>: one route group per act, each in its own file.</summary>
    public static IEndpointRouteBuilder MapChipLifecycleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var chip = endpoints.MapGroup("/api/v1/chips/{chipId}").RequireAuthorization();
        SaleOffers.Map(chip);
        SaleAcceptances.Map(chip);
        Shipments.Map(chip);
        Receipts.Map(chip);
        Returns.Map(chip);
        Installations.Map(chip);
        Tenancies.Map(chip);
        Removals.Map(chip);
        Decommissioning.Map(chip);
        Destruction.Map(chip);
        LossReports.Map(chip);
        Holds.Map(chip);
        IllegitimacyDeclarations.Map(chip);
        Voids.Map(chip);
        return endpoints;
    }

    /// <summary>The OpenAPI decoration every chip write shares.</summary>
    internal static RouteHandlerBuilder Documented<TRequest>(this RouteHandlerBuilder builder, string name, string summary, TRequest example, object response)
        where TRequest : notnull =>
        builder.Accepts<TRequest>("application/json")
            .WithName(name)
            .WithSummary(summary)
            .WithRequestExample(example)
            .WithResponseExample(StatusCodes.Status201Created, response)
            .WithProblems(ChipPolicies.WriteProblems);

    /// <summary>A typical 201 body for the OpenAPI examples.</summary>
    internal static ChipEventsRecorded ExampleRecorded(string type, long version = 4) =>
        new("nvidia:1652223004561", version, [new RecordedEvent(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b"), type)]);

    internal static readonly NodaTime.OffsetDateTime ExampleTime = NodaTime.Instant.FromUtc(2026, 11, 20, 9, 0).WithOffset(NodaTime.Offset.Zero);
}

/// <summary>Lookups of the records a chip write names in its body (the parties, facility, licence).</summary>
internal static class Named
{
    /// <summary>A registered organisation a body names as a party (buyer, consignee, end user, tenant), else 422 <c>unknown_organisation</c>.</summary>
    public static async Task<Organisation> OrganisationAsync(RegistryReads reads, string organisationId, string field, CancellationToken cancellationToken) =>
        (await reads.LoadOrganisationAsync(organisationId, cancellationToken)).State
        ?? throw new Problems.ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_organisation",
            "The request names an organisation the registry does not know.", $"{field}: register the organisation first.");

    public static LocalDate DateOf(Instant at) => at.InUtc().Date;
}
