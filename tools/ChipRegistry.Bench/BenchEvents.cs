using NodaTime;

namespace ChipRegistry.Bench;

/// <summary>Shapes like the registry's own events, so rows have a realistic size.</summary>
public sealed record ChipRegistered(string Serial, string Model, string Manufacturer, string Lot, Instant FabricatedAt);

public sealed record ChipObserved(string Observer, string Facility, Instant ObservedAt);

internal static class BenchEvents
{
    public static readonly Instant Start = Instant.FromUtc(2025, 1, 1, 0, 0);

    public static ChipRegistry.EventStore.EventTypeRegistry Registry() => new ChipRegistry.EventStore.EventTypeRegistry()
        .Register<ChipRegistered>("chip_registered")
        .Register<ChipObserved>("chip_observed");

    public static ChipRegistered Registered(long i) =>
        new($"165222{i:D10}", "H100-SXM5-80GB", "nvidia", $"lot-{i / 10_000:D6}", Start + Duration.FromSeconds(i) + Duration.FromNanoseconds(123_456));

    public static ChipObserved Observed(int writer, long i) =>
        new($"org-{writer:D2}", $"facility-{i % 97:D3}", Start + Duration.FromMilliseconds(i));
}
