using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Landmarks;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Tests.Chips;
using static ChipRegistry.Domain.Tests.Detection.DetectionScenario;

namespace ChipRegistry.Domain.Tests.Detection;

/// <summary>Facilities and landmarks registered through the registry's handlers, each id unique to the test that asks.</summary>
public static class SiteArrange
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Registers a facility run by us-op and returns it as the install command takes it (cluster c1).</summary>
    public static async Task<Facility> FacilityAsync(
        DetectionScenario scenario, string name, string country, decimal latitude, decimal longitude, decimal declaredPowerMw = 10m)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var id = $"{name}-{Guid.NewGuid():N}"[..24];
        (await scenario.Registry.Commands.HandleAsync(new RegisterFacility(id, name, country, latitude, longitude, declaredPowerMw, UsOp, On(2024, 6, 1)),
            cancellationToken: Cancel)).EnsureAccepted();
        return ChipWorld.FacilityOf(UsOp.OrganisationId, id, country);
    }

    public static async Task<string> LandmarkAsync(DetectionScenario scenario, string name, decimal latitude, decimal longitude)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var id = $"{name}-{Guid.NewGuid():N}"[..24];
        (await scenario.Registry.Commands.HandleAsync(
            new RegisterLandmark(id, name, latitude, longitude, new Actor("bis", OrganisationKind.Agency), On(2024, 6, 1)), cancellationToken: Cancel))
            .EnsureAccepted();
        return id;
    }
}
