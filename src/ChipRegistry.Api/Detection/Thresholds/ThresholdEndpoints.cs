using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Detection.Thresholds;

/// <summary>Detection thresholds: the agencies and the registry set them and read them; the parties they watch do neither.</summary>
public static class ThresholdEndpoints
{
    public static readonly string[] Roles = [Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole];

    public static IEndpointRouteBuilder MapThresholdEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/detection/thresholds").WithTags("Detection").RequireAuthorization(policy => policy.RequireRole(Roles));
        group.MapChangeThreshold();
        group.MapListThresholds();
        return endpoints;
    }
}
