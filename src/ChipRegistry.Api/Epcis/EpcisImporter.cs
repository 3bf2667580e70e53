using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>What an import did: the events read, applied and found already imported, and every element that did not map.</summary>
public sealed record EpcisImportResult(int EventCount, int Applied, int AlreadyImported, IReadOnlyList<EpcisElementError> Errors, bool Written, string? CorrelationId)
{
    public bool Success => Errors.Count == 0;
}

/// <summary>
/// Imports an EPCIS 2.0 document for the calling organisation (docs/epcis-mapping.md): reads it event by event, maps
/// each (<see cref="EpcisMapping"/>), resolves SGTINs to chips through the GTIN grants, then decides every act with the
/// domain's own decisions, per chip in eventTime order, and appends all of them in one multi-stream transaction. With
/// <c>proceed</c> an event that fails is reported and left out (all its chips or none); otherwise one failure rejects
/// the document and nothing is written.
/// </summary>
public sealed class EpcisImporter(RegistryReads reads, CommandPipeline commands, EpcisImportedEvents imported)
{
    /// <summary>The seed every imported chip event's id derives from, with the event's key and the chip.</summary>
    private static readonly Guid Namespace = Guid.Parse("6f1d2c3e-8a47-4b1e-9c5d-0e2f4a6b8c10");

    private sealed record ChipRef(string Position, string ChipId, GtinMapping Gtin, bool Registered = false);

    public async Task<EpcisImportResult> ImportAsync(Stream body, Actor actor, bool proceed, Interval window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new List<EpcisElementError>();
        var events = new List<(EpcisEvent Event, EpcisStep? Step, IReadOnlyList<(string Position, Sgtin Sgtin)> Chips)>();
        var reader = new EpcisDocumentReader(body, window.End);
        await foreach (var element in reader.EventsAsync(cancellationToken))
        {
            using (element)
            {
                var e = EpcisEvent.Read(element.Index, element.Json.RootElement);
                var key = e.EventId ?? EpcisHashId.Compute(element.Json.RootElement, reader.Namespaces);
                var (step, chips, mapErrors) = EpcisMapping.Map(e, key, window);
                errors.AddRange(mapErrors);
                events.Add((e, step, chips));
            }
        }

        errors.AddRange(await imported.ReusedIdsAsync(actor.OrganisationId, [.. events.Select(e => e.Event)], cancellationToken));
        var chipsOf = await ResolveChipsAsync(events.SelectMany(e => e.Chips), errors, cancellationToken);
        var failed = errors.Select(f => IndexOf(f.Position)).ToHashSet();
        var ordered = events.OrderBy(e => e.Event.At ?? Instant.MaxValue).ThenBy(e => e.Event.Index).ToList();
        var commissioned = new HashSet<string>(Serials.ChipIdComparer);
        foreach (var (e, _, chips) in ordered)
        {
            foreach (var (position, _) in chips)
            {
                if (!chipsOf.TryGetValue(position, out var chip) || chip.Registered) continue;
                if (e.BizStep == "commissioning" && e.ErrorDeclaration is null)
                {
                    // A commissioning that failed stands reported for its own reason; the events after it are not.
                    if (!failed.Contains(e.Index)) commissioned.Add(chip.ChipId);
                }
                else if (!commissioned.Contains(chip.ChipId))
                {
                    errors.Add(new EpcisElementError(position, EpcisErrors.SerialUnknown, $"chip {chip.ChipId} was never commissioned: commission it (bizStep commissioning) before other events"));
                }
            }
        }
        failed = errors.Select(f => IndexOf(f.Position)).ToHashSet();
        if (errors.Count > 0 && !proceed)
        {
            return new EpcisImportResult(events.Count, 0, 0, Sorted(errors), false, null);
        }

        var steps = ordered.Where(e => e.Step is not null && !failed.Contains(e.Event.Index)).Select(e => e.Step!).ToList();
        var correlation = Guid.CreateVersion7();
        var outcome = new ApplyOutcome();
        var result = await commands.RunStreamsAsync(
            () => ApplyAsync(steps, chipsOf, actor, proceed, outcome, cancellationToken),
            actor, CommandPipeline.Correlated(null, correlation), cancellationToken);
        errors.AddRange(outcome.Errors);
        if (result.Error is not null)
        {
            return new EpcisImportResult(events.Count, 0, 0, Sorted(errors), false, null);
        }
        await imported.RecordAsync(outcome.Recorded, cancellationToken);
        return new EpcisImportResult(events.Count, outcome.Applied, outcome.AlreadyImported, Sorted(errors), result.Events.Count > 0, correlation.ToString());
    }

    /// <summary>What one attempt of the append decided (an attempt reruns whole on a conflict, so this is reset each time).</summary>
    private sealed class ApplyOutcome
    {
        public List<EpcisElementError> Errors { get; } = [];

        public List<EpcisImportedEvent> Recorded { get; } = [];

        public int Applied { get; set; }

        public int AlreadyImported { get; set; }

        public void Reset()
        {
            Errors.Clear();
            Recorded.Clear();
            Applied = 0;
            AlreadyImported = 0;
        }
    }

    /// <summary>Each SGTIN's chip, or an error at its position: GTIN unmapped, serial grammar, taken by another model, case-only difference.</summary>
    private async Task<Dictionary<string, ChipRef>> ResolveChipsAsync(
        IEnumerable<(string Position, Sgtin Sgtin)> sgtins, List<EpcisElementError> errors, CancellationToken cancellationToken)
    {
        var all = sgtins.ToList();
        var gtins = new Dictionary<string, GtinMapping?>(StringComparer.Ordinal);
        foreach (var gtin in all.Select(s => s.Sgtin.Gtin).Distinct(StringComparer.Ordinal))
        {
            gtins[gtin] = (await GtinMappingCommands.LoadAsync(commands.Store, gtin, cancellationToken)).State;
        }
        var candidates = new List<ChipRef>();
        foreach (var (position, sgtin) in all)
        {
            if (gtins[sgtin.Gtin] is not { } mapping)
            {
                errors.Add(new EpcisElementError(position, EpcisErrors.GtinUnmapped, $"GTIN {sgtin.Gtin} names no model: its prefix's holder maps it first (POST /api/v1/gs1/gtins)"));
            }
            else if (!Serials.IsWellFormed(sgtin.Serial))
            {
                errors.Add(new EpcisElementError(position, Serials.InvalidSerial, $"serial '{sgtin.Serial}' is not 1 to {Serials.MaxLength} ASCII letters, digits, '-', '.' or '_'"));
            }
            else
            {
                candidates.Add(new ChipRef(position, $"{mapping.ManufacturerId}:{sgtin.Serial}", mapping));
            }
        }
        var ids = candidates.Select(c => c.ChipId).Distinct(StringComparer.Ordinal).ToList();
        var registered = await reads.RegisteredChipIdsAsync(ids, cancellationToken);
        var states = await reads.LoadChipsAsync(ids, cancellationToken);
        var gtinOfChip = new Dictionary<string, string>(Serials.ChipIdComparer);
        var resolved = new Dictionary<string, ChipRef>(StringComparer.Ordinal);
        foreach (var chip in candidates)
        {
            var state = states[chip.ChipId].State;
            if (!string.Equals(registered[chip.ChipId], chip.ChipId, StringComparison.Ordinal))
            {
                errors.Add(new EpcisElementError(chip.Position, EpcisErrors.SerialCase, $"serial of {chip.ChipId} differs from the registered chip {registered[chip.ChipId]} only in case"));
            }
            else if ((state.ModelId is { } model && model != chip.Gtin.ModelId)
                || (gtinOfChip.TryGetValue(chip.ChipId, out var otherGtin) && otherGtin != chip.Gtin.Gtin))
            {
                errors.Add(new EpcisElementError(chip.Position, EpcisErrors.SerialTaken, $"serial of {chip.ChipId} is held under another GTIN of {chip.Gtin.ManufacturerId}"));
            }
            else
            {
                gtinOfChip[chip.ChipId] = chip.Gtin.Gtin;
                resolved[chip.Position] = chip with { Registered = state.Stage != ChipStage.Unregistered };
            }
        }
        return resolved;
    }

    private async Task<(Decision<StreamEvents> Decision, IReadOnlyDictionary<string, LoadedStream> Streams)> ApplyAsync(
        List<EpcisStep> steps, Dictionary<string, ChipRef> chipsOf, Actor actor, bool proceed, ApplyOutcome outcome, CancellationToken cancellationToken)
    {
        outcome.Reset();
        var histories = new Dictionary<string, ChipHistory>(StringComparer.Ordinal);
        var loaded = new Dictionary<string, LoadedStream>(StringComparer.Ordinal);
        foreach (var chipId in steps.SelectMany(s => s.Chips).Select(c => chipsOf[c.Position].ChipId).Distinct(StringComparer.Ordinal))
        {
            var stream = await reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
            var history = ChipHistory.Fold(chipId, stream.Select(e => (IChipEvent)e.Data));
            histories[chipId] = history;
            loaded[StreamKeys.Chip(chipId)] = new LoadedStream(history.State.Version, history);
        }
        var assemblies = new Dictionary<string, Assembly?>(StringComparer.Ordinal);
        foreach (var assemblyId in steps.Select(s => s.AssemblyId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var assembly = await reads.LoadAssemblyAsync(assemblyId, cancellationToken);
            assemblies[assemblyId] = assembly.State;
            loaded[StreamKeys.Assembly(assemblyId)] = new LoadedStream(assembly.Version, assembly.State);
        }
        var written = new Dictionary<string, List<IDomainEvent>>(StringComparer.Ordinal);

        foreach (var step in steps)
        {
            var chips = step.Chips.Select(c => chipsOf[c.Position]).ToList();
            var (produced, error) = await DecideAsync(step, chips, histories, assemblies, actor, cancellationToken);
            if (error is not null)
            {
                outcome.Errors.Add(error);
                if (!proceed) return (Decision<StreamEvents>.Reject(new DomainError(EpcisErrors.InvalidEvent, error.Detail)), loaded);
                continue;
            }
            if (produced is null)
            {
                outcome.AlreadyImported++;
                continue;
            }
            foreach (var stream in produced)
            {
                var key = StreamKeys.For(stream.Stream);
                if (!written.TryGetValue(key, out var list)) written[key] = list = [];
                list.AddRange(stream.Events);
                if (stream.Stream.Category == StreamKeys.ChipType)
                {
                    histories[stream.Stream.Id] = stream.Events.Cast<IChipEvent>().Aggregate(histories[stream.Stream.Id], (h, e) => h.Evolve(e));
                    outcome.Recorded.AddRange(stream.Events.Cast<IChipEvent>().Select(e => new EpcisImportedEvent(e.EventId, e.ChipId, actor.OrganisationId, step.Key, step.Event.EventTimeZoneOffset, step.Event.Raw)));
                }
                else
                {
                    var id = stream.Stream.Id;
                    assemblies[id] = stream.Events.Cast<IAssemblyEvent>().Aggregate(assemblies[id], Assembly.Evolve);
                }
            }
            outcome.Applied++;
        }
        return (Decision<StreamEvents>.Accept(written.Select(p => new StreamEvents(StreamIdOf(p.Key), p.Value))), loaded);
    }

    private static StreamId StreamIdOf(string key) =>
        key.StartsWith(StreamKeys.AssemblyType + "/", StringComparison.Ordinal) ? StreamId.Assembly(key[(StreamKeys.AssemblyType.Length + 1)..]) : StreamId.Chip(key);

    /// <summary>The events one step produces on each stream; null events for a step imported before; or why it fails.</summary>
    private async Task<(List<StreamEvents>? Events, EpcisElementError? Error)> DecideAsync(
        EpcisStep step, List<ChipRef> chips, Dictionary<string, ChipHistory> histories, Dictionary<string, Assembly?> assemblies, Actor actor,
        CancellationToken cancellationToken)
    {
        EpcisElementError Fail(string code, string detail) => new(step.Event.Position, code, detail);

        if (step.Act is EpcisAct.Pack or EpcisAct.Unpack)
        {
            var seed = DeterministicIds.Derive(Namespace, $"{step.Key}/assembly");
            if (chips.Any(c => histories[c.ChipId].Find(DeterministicIds.Derive(seed, $"chip/{c.ChipId}")) is not null)) return (null, null);
            var states = chips.ToDictionary(c => c.ChipId, c => histories[c.ChipId].State, StringComparer.Ordinal);
            var ids = chips.Select(c => c.ChipId).ToList();
            var decision = step.Act == EpcisAct.Pack
                ? AssemblyDecisions.Decide(new PackChipsIntoAssembly(seed, step.AssemblyId!, ids, actor, step.At), assemblies[step.AssemblyId!], states)
                : AssemblyDecisions.Decide(new UnpackChipsFromAssembly(seed, step.AssemblyId!, ids, actor, step.At), assemblies[step.AssemblyId!], states);
            return decision.IsAccepted ? ([.. decision.Events], null) : (null, Fail(decision.Error!.Code, decision.Error.Message));
        }

        var produced = new List<StreamEvents>();
        var scratch = new Dictionary<string, ChipHistory>(StringComparer.Ordinal);
        foreach (var chip in chips)
        {
            var history = scratch.GetValueOrDefault(chip.ChipId) ?? histories[chip.ChipId];
            var eventId = DeterministicIds.Derive(Namespace, $"{step.Key}/{(step.Act == EpcisAct.Void ? "void/" : "")}{Serials.Folded(chip.ChipId)}");
            if (history.Find(eventId) is not null) return (null, null);
            IChipCommand command;
            try
            {
                var built = await CommandAsync(step, chip, eventId, history, actor, cancellationToken);
                if (built.Error is not null) return (null, Fail(built.Error.Code, $"chip {chip.ChipId}: {built.Error.Message}"));
                command = built.Command!;
            }
            catch (ApiProblemException problem)
            {
                return (null, Fail(problem.Code, $"chip {chip.ChipId}: {problem.Detail ?? problem.Title}"));
            }
            var decision = ChipDecisions.Decide(command, history);
            if (!decision.IsAccepted) return (null, Fail(decision.Error!.Code, $"chip {chip.ChipId}: {decision.Error.Message}"));
            scratch[chip.ChipId] = decision.Events.Aggregate(history, (h, e) => h.Evolve(e));
            produced.Add(new StreamEvents(StreamId.Chip(chip.ChipId), [.. decision.Events.Cast<IDomainEvent>()]));
        }
        return (produced, null);
    }

    private async Task<(IChipCommand? Command, DomainError? Error)> CommandAsync(
        EpcisStep step, ChipRef chip, Guid eventId, ChipHistory history, Actor actor, CancellationToken cancellationToken)
    {
        var id = chip.ChipId;
        switch (step.Act)
        {
            case EpcisAct.Commission:
                if (chip.Gtin.ManufacturerId != actor.OrganisationId)
                {
                    return (null, new DomainError(Gs1Errors.NotModelManufacturer, $"GTIN {chip.Gtin.Gtin} is {chip.Gtin.ManufacturerId}'s; only it commissions its chips"));
                }
                return (new RegisterChip(eventId, id, chip.Gtin.ModelId, step.LotId!, step.Country!, actor, step.At), null);
            case EpcisAct.Ship:
                var context = await Shipments.ContextAsync(reads, history.State, step.ConsigneeId!, step.EndUserId!, step.LicenceId, step.NotificationId, step.At, cancellationToken);
                return (new ShipChip(eventId, id, step.Country!, step.ConsigneeId!, step.EndUserId!, step.EndUserId!, step.ConsigneeId!, step.EndUserId!,
                    context.Licence?.Number ?? context.Notification?.Number, context, actor, step.At), null);
            case EpcisAct.Receive:
                return (new ReceiveChip(eventId, id, step.Country!, actor, step.At), null);
            case EpcisAct.Install:
                var facility = (await reads.LoadFacilityAsync(step.FacilityId!, cancellationToken)).State;
                return facility is null
                    ? (null, new DomainError(FacilityErrors.FacilityNotRegistered, $"facility '{step.FacilityId}' is not registered"))
                    : (new InstallChip(eventId, id, facility, step.ClusterId!, step.Rack!, actor, step.At), null);
            case EpcisAct.Remove:
                return (new RemoveChip(eventId, id, step.Reason ?? "removing", actor, step.At), null);
            case EpcisAct.Decommission:
                return (new DecommissionChip(eventId, id, step.Reason ?? "decommissioning", actor, step.At), null);
            case EpcisAct.Destroy:
                return (new DestroyChip(eventId, id, step.Reason ?? "destroying", actor, step.At), null);
            case EpcisAct.Void:
                var declared = DeterministicIds.Derive(Namespace, $"{step.Key}/{Serials.Folded(id)}");
                var packed = DeterministicIds.Derive(DeterministicIds.Derive(Namespace, $"{step.Key}/assembly"), $"chip/{id}");
                var target = history.Find(declared) ?? history.Find(packed);
                return target is null
                    ? (null, new DomainError(EpcisErrors.DeclaredEventUnknown, $"event {step.Key} was not imported for chip {id}, so it cannot be declared in error"))
                    : (new VoidChipEvent(eventId, id, target.EventId, step.Reason ?? "declared in error", actor, step.At), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Act, null);
        }
    }

    private static int IndexOf(string position)
    {
        var parts = position.Split('/');
        return parts.Length > 3 && int.TryParse(parts[3], out var index) ? index : -1;
    }

    private static List<EpcisElementError> Sorted(List<EpcisElementError> errors) =>
        [.. errors.DistinctBy(e => (e.Position, e.Code)).OrderBy(e => IndexOf(e.Position)).ThenBy(e => e.Position, StringComparer.Ordinal).ThenBy(e => e.Code, StringComparer.Ordinal)];
}
