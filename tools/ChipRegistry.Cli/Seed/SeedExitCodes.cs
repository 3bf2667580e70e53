namespace ChipRegistry.Cli.Seed;

/// <summary>What <c>chipreg seed</c> exits with (docs/operations.md lists them for scripts).</summary>
internal static class SeedExitCodes
{
    /// <summary>The whole world is in the registry.</summary>
    public const int Seeded = 0;

    /// <summary>The registry refused one of the world's acts (already seeded, a key without the right role, ...): seeding stopped there.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage: no admin key, not an http(s) URL, a bad number or date.</summary>
    public const int Usage = 2;

    /// <summary>The API could not be reached: one line on stderr, seeding stopped where it was.</summary>
    public const int Unreachable = 3;
}
