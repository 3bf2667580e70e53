using ChipRegistry.Domain.Detection.Thresholds;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 14 and the Colossus-scale site: legitimate, and watched. Before the world's first tick the agency sets
/// <c>site_h100e</c> to a tenth of the world (the H100 the site ends with), so the site reaches it at every N: the
/// facility's flag, and its operator's (which has no parent, so is its own ultimate parent and has no other site).
/// Every other site is kept at or below a twentieth of the world by the planner.
/// </summary>
internal static class ColossusSite
{
    public static async Task SetThresholdAsync(WorldContext world, CancellationToken cancellationToken)
    {
        var threshold = world.Settings.ColossusInstalled;
        if (threshold == 0) return;
        var agency = world.Organisations[WorldOrganisations.Agency].Actor;
        var at = WorldSettings.Start.Plus(Duration.FromHours(3));
        world.Report.Record(await world.Commands.SendAsync(new ChangeThreshold(DetectionThresholds.SiteH100e, $"{threshold}", WorldSettings.Start,
            "the demo world's Colossus-scale site: a tenth of the world's chips", agency, at), cancellationToken), "the site threshold");
    }

    /// <summary>Once the world is lived: the site's flags are expected when it got to its tenth inside the timeline (a timeline cut short may end first).</summary>
    public static void Expect(WorldContext world)
    {
        var threshold = world.Settings.ColossusInstalled;
        if (threshold == 0 || world.Report.Anomalies.ColossusInstalled < threshold) return;
        var sentence = $"{threshold} H100 installed at the Colossus-scale site, the site threshold being {threshold} H100e";
        world.Report.Anomalies.Inject(new InjectedFlag(14, "facility", WorldFacilities.ColossusId, sentence));
        world.Report.Anomalies.Inject(new InjectedFlag(14, "organisation", WorldOrganisations.ColossusOperator, sentence + " (its operator, its own ultimate parent)"));
    }
}
