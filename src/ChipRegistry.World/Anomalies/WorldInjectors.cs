namespace ChipRegistry.World.Anomalies;

/// <summary>
/// The world's injectors, in the order their scenarios start. Rules 2, 3, 4, 6, 11 and 17 have none: the lots' own
/// routes raise them, and <see cref="WorldAnomalies"/> counts what they sent. Rule 14 is the Colossus-scale site's
/// (<see cref="ColossusSite"/>). Every large scenario makes its chips between 2025-04-09 and 2025-06-18, outside every
/// rule's lead, so NVIDIA's fabrications raise no pre-rule surge of their own.
/// </summary>
internal static class WorldInjectors
{
    public static IReadOnlyList<IAnomalyInjector> All { get; } =
    [
        new PreRuleSurgeInjector(),
        new DivergenceInjector(),
        new IdleInventoryInjector(),
        new OverCapacityInjector(),
        new CustodyGapInjector(),
        new AttestationSilenceInjector(),
        new RestrictedTenancyInjector(),
        new TaintedOriginInjector(),
        new NewEntityInjector(),
        new LicenceCheckInjector(),
    ];
}
