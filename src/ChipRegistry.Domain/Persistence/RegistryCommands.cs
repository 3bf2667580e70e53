using System.Runtime.CompilerServices;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.EventStore;
using NodaTime;

namespace ChipRegistry.Domain.Persistence;

/// <summary>
/// The command handlers: load state -> pure decision -> append with the loaded version as the expected one (one
/// transaction; multi-stream for batches and assemblies; bulk COPY for lots). Rejections append nothing and come
/// back as <see cref="CommandResult.Error"/>. A <see cref="StreamVersionConflictException"/> or a
/// <see cref="TransientEventStoreException"/> (deadlock, serialisation failure) means nothing was appended, so the
/// handler reloads and decides again, up to <see cref="MaxAttempts"/> times, then lets the last one through
/// (the API answers 409). Lot registration is not retried: a conflict there is the answer.
/// </summary>
public sealed class RegistryCommands(RegistryReads reads)
{
    public const int MaxAttempts = 3;

    /// <summary>The error code of a command whose <see cref="CommandMetadata.ExpectedVersion"/> is stale.</summary>
    public const string VersionMismatch = "version_mismatch";

    private IEventStore Store => reads.Store;

    // ---- chips -------------------------------------------------------------------------------------------------

    /// <summary>One command on one chip, decided against its chip-state snapshot.</summary>
    public Task<CommandResult> HandleAsync(IChipCommand command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RetryAsync(async () =>
        {
            var snapshot = await reads.LoadChipAsync(command.ChipId, cancellationToken);
            if (metadata?.ExpectedVersion is { } expected && expected != snapshot.Version)
            {
                return CommandResult.Rejected(new DomainError(VersionMismatch, $"chip {command.ChipId} is at version {snapshot.Version}, not {expected}"));
            }
            var decision = ChipDecisions.Decide(command, snapshot.State);
            if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
            if (snapshot.Version == 0 && decision.Events.All(e => e is ChipObserved))
            {
                // A report about a serial nobody has registered is evidence worth keeping, but it must not create the
                // chip's stream: the manufacturer's lot later creates that stream, and a bystander's report would
                // otherwise block the lot (and tell the bystander, through the conflict, that the serial was free).
                return await AppendAsync([new(StreamKeys.UnregisteredSightings(command.ChipId), ExpectedVersion.Any, New(decision.Events), StreamKeys.UnregisteredSightingsType)],
                    [.. decision.Events], command.Actor, metadata, cancellationToken);
            }
            return await AppendAsync([new(StreamKeys.Chip(command.ChipId), Expect(snapshot.Version), New(decision.Events), StreamKeys.ChipType)],
                [.. decision.Events], command.Actor, metadata, cancellationToken);
        });
    }

    /// <summary>Many chip commands of one actor, all or nothing, in one multi-stream append (shared correlation id).</summary>
    public Task<CommandResult> HandleBatchAsync(IReadOnlyList<IChipCommand> commands, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0) throw new ArgumentException("a batch has at least one command", nameof(commands));
        var actor = commands[0].Actor;
        if (commands.Any(c => c.Actor != actor)) throw new ArgumentException("every command of a batch has the same actor", nameof(commands));
        if (commands.Select(c => c.ChipId).Distinct(StringComparer.Ordinal).Count() != commands.Count)
        {
            return Task.FromResult(CommandResult.Rejected(new DomainError("duplicate_chip", "a batch names each chip once")));
        }
        return RetryAsync(async () =>
        {
            var chips = await reads.LoadChipsAsync(commands.Select(c => c.ChipId), cancellationToken);
            var decision = ChipBatch.Decide(commands.Select(c => (c, chips[c.ChipId].State)));
            return await AppendAsync(decision, chips, actor, Correlated(metadata, commands[0].EventId), cancellationToken);
        });
    }

    /// <summary>An agency holds every holdable chip of a lot, in one multi-stream append.</summary>
    public Task<CommandResult> HoldLotAsync(Guid eventId, string lotId, string reason, Actor agency, Instant at, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        RetryAsync(async () =>
        {
            var chips = await reads.LoadLotAsync(lotId, cancellationToken);
            var decision = ChipBatch.HoldLot(eventId, lotId, reason, agency, at, chips.Values.Select(c => c.State));
            return await AppendAsync(decision, chips, agency, Correlated(metadata, eventId), cancellationToken);
        });

    /// <summary>
    /// Registers a lot through the bulk COPY path, streaming the chip ids (e.g. from a request body). Every chip is
    /// decided as it streams past; a rejected chip, a repeated id or more than <see cref="RegisterChipLot.MaxChips"/>
    /// aborts the whole lot; chips that already have a stream reject the lot whole, named in
    /// <see cref="CommandResult.ConflictingStreams"/>.
    /// </summary>
    public async Task<CommandResult> RegisterLotAsync(RegisterChipLot lot, IAsyncEnumerable<string> chipIds, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lot);
        ArgumentNullException.ThrowIfNull(chipIds);
        var refusal = new LotRefusal();
        try
        {
            var result = await Store.StartStreamsAsync(StreamKeys.ChipType, Streams(lot, chipIds, refusal, cancellationToken),
                Correlated(metadata, lot.EventId).For(lot.Actor), cancellationToken);
            return new CommandResult(null, [], null, result);
        }
        catch (LotRefusedException) when (refusal.Error is not null)
        {
            return CommandResult.Rejected(refusal.Error);
        }
        catch (StreamVersionConflictException conflict)
        {
            var existing = conflict.Conflicts.Select(c => c.StreamKey).Order(StringComparer.Ordinal).ToList();
            var shown = string.Join(", ", existing.Take(20)) + (existing.Count > 20 ? $" and {existing.Count - 20} more" : "");
            return CommandResult.Rejected(new DomainError(ChipErrors.ChipAlreadyRegistered, $"{existing.Count} chip(s) of the lot already exist: {shown}"))
                with { ConflictingStreams = existing };
        }
    }

    /// <inheritdoc cref="RegisterLotAsync(RegisterChipLot, IAsyncEnumerable{string}, CommandMetadata?, CancellationToken)"/>
    public Task<CommandResult> RegisterLotAsync(RegisterChipLot lot, IEnumerable<string> chipIds, CommandMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chipIds);
        return RegisterLotAsync(lot, chipIds.ToAsyncEnumerable(), metadata, cancellationToken);
    }

    private sealed class LotRefusal
    {
        public DomainError? Error { get; set; }
    }

    private sealed class LotRefusedException : Exception
    {
        public LotRefusedException()
        {
        }

        public LotRefusedException(string message)
            : base(message)
        {
        }

        public LotRefusedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    private static async IAsyncEnumerable<NewStream> Streams(
        RegisterChipLot lot, IAsyncEnumerable<string> chipIds, LotRefusal refusal, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var chipId in chipIds.WithCancellation(cancellationToken))
        {
            DomainError? error = null;
            Decision<IChipEvent>? decision = null;
            if (++count > RegisterChipLot.MaxChips) error = new DomainError(RegisterChipLot.LotTooLarge, $"a lot registers at most {RegisterChipLot.MaxChips:N0} chips");
            else if (string.IsNullOrWhiteSpace(chipId) || chipId.Contains('/', StringComparison.Ordinal)) error = new DomainError(ChipErrors.InvalidChip, $"'{chipId}' is not a chip id");
            else if (!seen.Add(chipId)) error = new DomainError(RegisterChipLot.DuplicateSerial, $"chip {chipId} is named twice");
            else if ((decision = lot.DecideChip(chipId)) is { IsAccepted: false }) error = decision.Error;
            if (error is not null)
            {
                refusal.Error = error;
                throw new LotRefusedException(error.ToString());
            }
            yield return new NewStream(chipId, New(decision!.Events));
        }
        if (count == 0)
        {
            refusal.Error = new DomainError(RegisterChipLot.LotEmpty, "a lot registers at least one chip");
            throw new LotRefusedException(refusal.Error.ToString());
        }
    }

    // ---- assemblies --------------------------------------------------------------------------------------------

    public Task<CommandResult> HandleAsync(RegisterAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Assembly(command.AssemblyId), StreamKeys.AssemblyType, () => reads.LoadAssemblyAsync(command.AssemblyId, cancellationToken),
            state => Task.FromResult(AssemblyDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(PackChipsIntoAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Assembly(command.AssemblyId, command.EventId, state => command.ChipIds, (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(UnpackChipsFromAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Assembly(command.AssemblyId, command.EventId, state => command.ChipIds, (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    /// <summary>Ships the assembly and every packed chip in one multi-stream append (each chip's licence check recorded).</summary>
    public Task<CommandResult> HandleAsync(ShipAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Assembly(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(ReceiveAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Assembly(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(InstallAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Assembly(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    private Task<CommandResult> Assembly(
        string assemblyId, Guid eventId, Func<Assembly?, IReadOnlyList<string>> chipsOf,
        Func<Assembly?, IReadOnlyDictionary<string, ChipState>, Decision<StreamEvents>> decide, Actor actor, CommandMetadata? metadata, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            var assembly = await reads.LoadAssemblyAsync(assemblyId, cancellationToken);
            var chips = await reads.LoadChipsAsync(chipsOf(assembly.State), cancellationToken);
            var decision = decide(assembly.State, chips.ToDictionary(p => p.Key, p => p.Value.State, StringComparer.Ordinal));
            var versions = chips.ToDictionary(p => StreamKeys.Chip(p.Key), p => p.Value.Version, StringComparer.Ordinal);
            versions[StreamKeys.Assembly(assemblyId)] = assembly.Version;
            return await AppendAsync(decision, versions, actor, Correlated(metadata, eventId), cancellationToken);
        });

    // ---- organisations, facilities, licences, notifications, models -------------------------------------------

    public Task<CommandResult> HandleAsync(RegisterOrganisation command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Organisation(command.OrganisationId), StreamKeys.OrganisationType, () => reads.LoadOrganisationAsync(command.OrganisationId, cancellationToken),
            state => Task.FromResult(OrganisationDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    /// <summary>A parent change, checked for cycles against the directory loaded from the organisations table.</summary>
    public Task<CommandResult> HandleAsync(ChangeOrganisationParent command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Organisation(command.OrganisationId), StreamKeys.OrganisationType, () => reads.LoadOrganisationAsync(command.OrganisationId, cancellationToken),
            async state => OrganisationDecisions.Decide(command, state, await reads.LoadOrganisationDirectoryAsync(cancellationToken)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(RegisterFacility command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(DeclareFacilityPower command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(RegisterCluster command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Facility(command.FacilityId), StreamKeys.FacilityType, () => reads.LoadFacilityAsync(command.FacilityId, cancellationToken),
            state => Task.FromResult(FacilityDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(GrantLicence command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Licence(command.LicenceId), StreamKeys.LicenceType, () => reads.LoadLicenceAsync(command.LicenceId, cancellationToken),
            state => Task.FromResult(LicenceDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(RevokeLicence command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Licence(command.LicenceId), StreamKeys.LicenceType, () => reads.LoadLicenceAsync(command.LicenceId, cancellationToken),
            state => Task.FromResult(LicenceDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(FileExportNotification command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Notification(command.NotificationId), StreamKeys.NotificationType, () => reads.LoadNotificationAsync(command.NotificationId, cancellationToken),
            state => Task.FromResult(ExportNotificationDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(RegisterAcceleratorModel command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Model(command.Spec.ModelId), StreamKeys.ModelType, () => reads.LoadModelAsync(command.Spec.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(ReviseAcceleratorSpec command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Model(command.ModelId), StreamKeys.ModelType, () => reads.LoadModelAsync(command.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public Task<CommandResult> HandleAsync(RecordSpecFinding command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        Entity(StreamKeys.Model(command.ModelId), StreamKeys.ModelType, () => reads.LoadModelAsync(command.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    /// <summary>
    /// Seeds the catalog (<see cref="CatalogSeed"/>): each model not yet registered gets its registration event,
    /// recorded by its vendor's manufacturer (<paramref name="manufacturerOf"/>); models already present are left
    /// alone, so running it again registers nothing. Returns the models it registered.
    /// </summary>
    public async Task<IReadOnlyList<string>> SeedCatalogAsync(Func<string, string> manufacturerOf, Actor actor, Instant at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manufacturerOf);
        ArgumentNullException.ThrowIfNull(actor);
        var registered = new List<string>();
        foreach (var registration in CatalogSeed.RegistrationEvents(manufacturerOf, at))
        {
            var key = StreamKeys.Model(registration.ModelId);
            if (await Store.FetchStreamVersionAsync(key, cancellationToken) > 0) continue;
            try
            {
                await Store.AppendAsync(new StreamAppend(key, ExpectedVersion.NoStream, New([registration]), StreamKeys.ModelType), CommandMetadata.None.For(actor), cancellationToken);
                registered.Add(registration.ModelId);
            }
            catch (StreamVersionConflictException)
            {
                // another host seeded this model meanwhile: it is there, which is all seeding asks
            }
        }
        return registered;
    }

    // ---- the plumbing ------------------------------------------------------------------------------------------

    private Task<CommandResult> Entity<TState, TEvent>(
        string streamKey, string streamType, Func<Task<Loaded<TState>>> load, Func<TState?, Task<Decision<TEvent>>> decide, Actor actor,
        CommandMetadata? metadata, CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent =>
        RetryAsync(async () =>
        {
            var loaded = await load();
            var decision = await decide(loaded.State);
            return decision.IsAccepted
                ? await AppendAsync([new(streamKey, Expect(loaded.Version), New(decision.Events.Cast<IDomainEvent>()), streamType)],
                    [.. decision.Events.Cast<IDomainEvent>()], actor, metadata, cancellationToken)
                : CommandResult.Rejected(decision.Error!);
        });

    private Task<CommandResult> AppendAsync(
        Decision<StreamEvents> decision, IReadOnlyDictionary<string, ChipSnapshot> chips, Actor actor, CommandMetadata metadata, CancellationToken cancellationToken) =>
        AppendAsync(decision, chips.ToDictionary(p => StreamKeys.Chip(p.Key), p => p.Value.Version, StringComparer.Ordinal), actor, metadata, cancellationToken);

    private async Task<CommandResult> AppendAsync(
        Decision<StreamEvents> decision, IReadOnlyDictionary<string, long> versions, Actor actor, CommandMetadata metadata, CancellationToken cancellationToken)
    {
        if (!decision.IsAccepted) return CommandResult.Rejected(decision.Error!);
        var appends = decision.Events
            .Where(s => s.Events.Count > 0)
            .Select(s =>
            {
                var key = StreamKeys.For(s.Stream);
                var version = versions.TryGetValue(key, out var v) ? v : throw new InvalidOperationException($"the decision wrote to {key}, which was not loaded");
                return new StreamAppend(key, Expect(version), New(s.Events), s.Stream.Category);
            })
            .ToList();
        return await AppendAsync(appends, [.. decision.Events.SelectMany(s => s.Events)], actor, metadata, cancellationToken);
    }

    private async Task<CommandResult> AppendAsync(
        IReadOnlyList<StreamAppend> appends, IReadOnlyList<IDomainEvent> events, Actor actor, CommandMetadata? metadata, CancellationToken cancellationToken)
    {
        if (appends.Count == 0) return new CommandResult(null, [], null);
        var appendMetadata = (metadata ?? CommandMetadata.None).For(actor);
        var result = appends.Count == 1
            ? await Store.AppendAsync(appends[0], appendMetadata, cancellationToken)
            : await Store.AppendAsync(appends, appendMetadata, cancellationToken);
        return new CommandResult(null, events, result);
    }

    private static async Task<CommandResult> RetryAsync(Func<Task<CommandResult>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (StreamVersionConflictException) when (n < MaxAttempts)
            {
                // someone appended between our load and our append: nothing was written; load and decide again
            }
            catch (TransientEventStoreException) when (n < MaxAttempts)
            {
                // deadlock victim or serialisation failure: the transaction rolled back whole
            }
        }
    }

    /// <summary>Multi-stream appends share a correlation id: the caller's, or the command's event id.</summary>
    private static CommandMetadata Correlated(CommandMetadata? metadata, Guid eventId) =>
        (metadata ?? CommandMetadata.None) is { CorrelationId: null } m ? m with { CorrelationId = eventId.ToString() } : metadata!;

    private static ExpectedVersion Expect(long version) => version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);

    private static List<NewEvent> New<TEvent>(IEnumerable<TEvent> events) where TEvent : IDomainEvent =>
        [.. events.Select(e => new NewEvent(e, e.OccurredAt, (e as IChipEvent)?.EventId))];
}
