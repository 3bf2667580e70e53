using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using NodaTime;
using Npgsql;

namespace ChipRegistry.Bench;

/// <summary>
/// The command leg's world: one lot of chips registered through the domain, each writer sending
/// chip commands (the custodian's observation report, decided against chip_state) to its own
/// set of chips, so writers do not contend while a chip still sees many commands.
/// </summary>
internal static class CommandLegs
{
    public const string Schema = "bench_domain";

    public const int ChipsPerWriter = 64;

    public static readonly Actor Manufacturer = new("mfr", OrganisationKind.Manufacturer);

    public static readonly RegisterChipLot Lot =
        new(Guid.CreateVersion7(), "lot-bench", CatalogSeed.H100Sxm.ModelId, "TW", Manufacturer, BenchEvents.Start);

    public static IReadOnlyList<string> ChipIds { get; } =
        [.. Enumerable.Range(0, BenchSettings.Writers * ChipsPerWriter).Select(n => $"nvidia:{1_652_224_000_000 + n}")];

    /// <summary>The custodian's own report, scoped as an HTTP chip write is.</summary>
    private static readonly ChipWriteRules Rules = new();

    public static string ChipOf(int writer, long i) => ChipIds[(writer * ChipsPerWriter) + (int)(i % ChipsPerWriter)];

    public static ReportChipObservation Observation(string chipId, Instant at) =>
        new(Guid.CreateVersion7(), chipId, "sighting", null, null, "seen in its rack", Manufacturer, at);

    public static Instant At(long i) => BenchEvents.Start + Duration.FromSeconds(i);

    /// <summary>Starts the registry's store (domain options, inline chip state) and registers the lot.</summary>
    public static async Task<ChipPipeline> StartAsync(NpgsqlDataSource dataSource)
    {
        var store = await PostgresEventStore.StartAsync(dataSource, DomainStore.Options(Schema));
        var commands = new CommandPipeline(new RegistryReads(store, dataSource));
        var lot = await commands.RegisterLotAsync(Lot, ChipIds);
        if (!lot.IsAccepted)
        {
            throw new InvalidOperationException($"the command leg's lot was rejected: {lot.Error}");
        }
        return new ChipPipeline(commands);
    }

    /// <summary>
    /// Our side of command_vs_marten: one chip command through the pipeline every chip write of the API takes
    /// (the chip and the caller's relation in one statement, the decision, the append with the expected version and
    /// the loaded state lent to the inline projections, commit).
    /// </summary>
    public static async Task OurCommandLeg(ChipPipeline chips, int writer, long i)
    {
        var chipId = ChipOf(writer, i);
        var result = await chips.RunAsync(chipId, Manufacturer, Rules, _ => Task.FromResult<IChipCommand>(Observation(chipId, At(i))), null, default);
        if (!result.IsAccepted)
        {
            throw new InvalidOperationException($"our command on {chipId} was rejected: {result.Error}");
        }
    }
}
