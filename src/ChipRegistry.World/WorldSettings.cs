using NodaTime;

namespace ChipRegistry.World;

/// <summary>
/// What a world is made of: its seed (every id, name, date and choice derives from it) and how many chips it fabricates.
/// The timeline is fixed, 2022-01-01 to 2026-06-30 (UTC), and never read from the wall clock.
/// </summary>
public sealed record WorldSettings(int Seed, int Chips)
{
    public static Instant Start { get; } = Instant.FromUtc(2022, 1, 1, 0, 0);

    /// <summary>The first instant after the timeline (2026-07-01): no act of the world is dated at or after it.</summary>
    public static Instant End { get; } = Instant.FromUtc(2026, 7, 1, 0, 0);

    /// <summary>
    /// The first instant after this world's timeline: <see cref="End"/> unless set (<c>chipreg seed --until</c> ends
    /// it on the day it seeds). No act of the world is dated at or after it.
    /// </summary>
    public Instant Until { get; init; } = End;

    /// <summary>
    /// Whether the world injects its anomalies and near misses (<c>Anomalies/</c>: one scenario per built rule, of its
    /// own organisations and chips). On by default, for the demo and the tests' worlds.
    /// </summary>
    public bool Anomalies { get; init; } = true;

    /// <summary>The world's last clock tick, where the sink has a clock: the last whole second before <see cref="Until"/>.</summary>
    public Instant FinalTick => Instant.FromUnixTimeSeconds(Until.Minus(Duration.FromSeconds(1)).ToUnixTimeSeconds());

    /// <summary>
    /// Chips per lot: a hundredth of the world, between 10 and 500. Capped so the memory a lot needs does not grow with
    /// the world (a lot is the most the generator holds at once).
    /// </summary>
    public int LotSize => Math.Clamp(Chips / 100, 10, 500);

    /// <summary>The Colossus-scale site keeps a tenth of the world installed.</summary>
    public int ColossusInstalled => Chips / 10;

    /// <summary>No other site may hold more than a twentieth of the world.</summary>
    public int SiteCap => Chips / 20;

    /// <summary>A short tag of the seed that every chip serial and lot id carries, so ids derive from the seed.</summary>
    public string Tag => $"w{(uint)Seed:x8}";

    /// <summary>The root every event id of the world is derived from.</summary>
    public Guid Root => ChipRegistry.Domain.Common.DeterministicIds.Derive(Guid.Empty, $"world/{Seed}");
}
