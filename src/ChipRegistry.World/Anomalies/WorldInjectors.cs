namespace ChipRegistry.World.Anomalies;

/// <summary>The world's injectors, one per built rule, in the order their scenarios start.</summary>
internal static class WorldInjectors
{
    public static IReadOnlyList<IAnomalyInjector> All { get; } =
    [
        new CustodyGapInjector(),
        // Rule 7 (pre-rule surge) is being built: its injector joins here with the rule.
        new NewEntityInjector(),
        new LicenceCheckInjector(),
    ];
}
