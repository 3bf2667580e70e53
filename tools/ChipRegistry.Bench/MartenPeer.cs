using System.Globalization;
using ChipRegistry.Domain.Chips;
using ChipRegistry.EventStore;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Weasel.Core;

namespace ChipRegistry.Bench;

/// <summary>
/// Marten 9.62 as the peer: its own schemas in the bench's database, the same event shapes under
/// the same stored names and the same JSON (System.Text.Json, snake_case, our NodaTime
/// converters). Each store's schema is applied once, up front, before any leg runs (two hosts
/// creating it at once can fail with 23505). Only this project references Marten.
/// </summary>
internal static class MartenPeer
{
    /// <summary>Bulk and single appends of the bench's own event types.</summary>
    public const string AppendSchema = "bench_marten";

    /// <summary>The domain's chip events with an inline chip snapshot, for FetchForWriting.</summary>
    public const string CommandSchema = "bench_marten_cmd";

    /// <summary>An async per-event projection on Marten's daemon.</summary>
    public const string DaemonSchema = "bench_marten_daemon";

    public const int SessionBatch = 1_000;

    public const int BulkCopyBatchSize = 10_000;

    public static string Version => typeof(DocumentStore).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>Marten's settings, printed with the figures.</summary>
    public static IEnumerable<(string Name, string Value)> Settings()
    {
        yield return ("marten_version", Version);
        yield return ("marten_append_mode", EventAppendMode.Quick.ToString());
        yield return ("marten_stream_identity", StreamIdentity.AsString.ToString());
        yield return ("marten_serializer", "SystemTextJson (snake_case, enums as strings, the registry's NodaTime settings)");
        yield return ("marten_session_events_per_save", SessionBatch.ToString(CultureInfo.InvariantCulture));
        yield return ("marten_bulk_copy_batch_size", BulkCopyBatchSize.ToString(CultureInfo.InvariantCulture));
        yield return ("marten_snapshot", "inline (SnapshotLifecycle.Inline), UseIdentityMapForAggregates off");
        yield return ("marten_daemon_projection", "EventProjection, async, one queued SQL insert per event");
    }

    public static DocumentStore Appends(string connectionString) => DocumentStore.For(opts =>
    {
        Common(opts, connectionString, AppendSchema);
        opts.Events.MapEventType<ChipRegistered>("chip_registered");
        opts.Events.MapEventType<ChipObserved>("chip_observed");
    });

    public static DocumentStore Commands(string connectionString) => DocumentStore.For(opts =>
    {
        Common(opts, connectionString, CommandSchema);
        opts.Events.MapEventType<ChipFabricated>("chip_fabricated");
        opts.Events.MapEventType<Domain.Chips.ChipObserved>("chip_observed");
        opts.Projections.Snapshot<MartenChip>(SnapshotLifecycle.Inline);
    });

    public static DocumentStore Daemon(string connectionString)
    {
        // Marten warns on stdout that no hosted daemon runs (the leg builds its own); keep stdout for figures.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        try
        {
            return DocumentStore.For(opts =>
            {
                Common(opts, connectionString, DaemonSchema);
                opts.Events.MapEventType<ChipRegistered>("chip_registered");
                opts.Projections.Add(new MartenRegistrationsProjection(), ProjectionLifecycle.Async);
            });
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    private static void Common(StoreOptions opts, string connectionString, string schema)
    {
        opts.Connection(connectionString);
        opts.DatabaseSchemaName = schema;
        opts.Events.DatabaseSchemaName = schema;
        opts.Events.StreamIdentity = StreamIdentity.AsString;
        opts.Events.AppendMode = EventAppendMode.Quick;
        opts.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        opts.DisableNpgsqlLogging = true;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.SnakeCase, configure: json => json.ConfigureForRegistryTime());
    }

    /// <summary>Creates every Marten table, function and sequence now, one store after the other.</summary>
    public static async Task ApplySchemaAsync(params DocumentStore[] stores)
    {
        foreach (var store in stores)
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }
    }
}

/// <summary>
/// Marten's chip snapshot: the chip-state fields the domain's decisions read, kept up to date by
/// the domain's own fold (<see cref="ChipState.Evolve"/>); it keeps no history, so it is smaller
/// than our chip_state row.
/// </summary>
public sealed partial class MartenChip
{
    public string Id { get; set; } = "";

    public ChipStage Stage { get; set; }

    public string? ModelId { get; set; }

    public string? ManufacturerId { get; set; }

    public string? LotId { get; set; }

    public string? OwnerId { get; set; }

    public string? CustodianId { get; set; }

    public string? LocationCountry { get; set; }

    public int Observations { get; set; }

    public int ConflictingObservations { get; set; }

    public ChipState ToState() => ChipState.Initial(Id) with
    {
        Stage = Stage,
        ModelId = ModelId,
        ManufacturerId = ManufacturerId,
        LotId = LotId,
        OwnerId = OwnerId,
        CustodianId = CustodianId,
        LocationCountry = LocationCountry,
        Observations = Observations,
        ConflictingObservations = ConflictingObservations,
    };

    public static MartenChip Create(IEvent<ChipFabricated> e)
    {
        var chip = new MartenChip { Id = e.StreamKey! };
        chip.Take(ChipState.Evolve(ChipState.Initial(e.StreamKey!), e.Data));
        return chip;
    }

    public void Apply(Domain.Chips.ChipObserved e) => Take(ChipState.Evolve(ToState(), e));

    private void Take(ChipState s)
    {
        Stage = s.Stage;
        ModelId = s.ModelId;
        ManufacturerId = s.ManufacturerId;
        LotId = s.LotId;
        OwnerId = s.OwnerId;
        CustodianId = s.CustodianId;
        LocationCountry = s.LocationCountry;
        Observations = s.Observations;
        ConflictingObservations = s.ConflictingObservations;
    }
}

/// <summary>Marten's per-event projection: one row per registration, as <see cref="RegistrationsProjection"/> writes on our daemon.</summary>
public sealed partial class MartenRegistrationsProjection : EventProjection
{
    public MartenRegistrationsProjection()
    {
        Name = "registrations";
    }

    public void Project(IEvent<ChipRegistered> e, IDocumentOperations operations) =>
        operations.QueueSqlCommand(
            $"insert into {MartenPeer.DaemonSchema}.registrations (stream_key, version, serial, lot, fabricated_at) values (?, ?, ?, ?, ?)",
            e.StreamKey!, e.Version, e.Data.Serial, e.Data.Lot, e.Data.FabricatedAt.ToDateTimeOffset());
}
