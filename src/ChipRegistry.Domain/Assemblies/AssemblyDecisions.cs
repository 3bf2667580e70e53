using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Assemblies;

public sealed record RegisterAssembly(string AssemblyId, AssemblyKind Kind, string Serial, string Country, Actor Actor, Instant At);

public sealed record PackChipsIntoAssembly(Guid EventId, string AssemblyId, IReadOnlyList<string> ChipIds, Actor Actor, Instant At);

public sealed record UnpackChipsFromAssembly(Guid EventId, string AssemblyId, IReadOnlyList<string> ChipIds, Actor Actor, Instant At);

/// <summary>
/// Ship an assembly and every chip in it. <see cref="Models"/> holds the effective spec of each packed chip's model
/// (by model id); the licence context is shared and counts every packed chip as this shipment's quantity.
/// </summary>
public sealed record ShipAssembly(
    Guid EventId, string AssemblyId, string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId,
    string PayerId, string? AuthorisationNumber, IReadOnlyDictionary<string, AcceleratorSpec> Models,
    PartyJurisdiction Consignee, PartyJurisdiction EndUser, Licence? Licence, ExportNotification? Notification, int AlreadyShippedUnderLicence,
    Actor Actor, Instant At);

public sealed record ReceiveAssembly(Guid EventId, string AssemblyId, string Country, Actor Actor, Instant At);

public sealed record InstallAssembly(Guid EventId, string AssemblyId, Facility Facility, string ClusterId, string Rack, Actor Actor, Instant At);

/// <summary>
/// Assembly decisions. Acting on an assembly acts on every chip packed in it: each chip's own lifecycle decides
/// its event (holds, licence checks…), and the result is one list of events per stream, to be appended in one
/// transaction. If any chip refuses, the whole command is rejected and nothing is produced.
/// </summary>
public static class AssemblyDecisions
{
    private static Decision<StreamEvents> Error(string code, string message) => Decision<StreamEvents>.Reject(code, message);

    public static Decision<IAssemblyEvent> Decide(RegisterAssembly c, Assembly? state)
    {
        if (c.Actor.Kind is not (OrganisationKind.Integrator or OrganisationKind.Manufacturer)) return new DomainError(AssemblyErrors.NotIntegrator, "an integrator or manufacturer registers assemblies");
        if (state is not null) return new DomainError(AssemblyErrors.AssemblyAlreadyRegistered, $"assembly '{c.AssemblyId}' is already registered");
        if (Identifiers.ProblemWithNew(c.AssemblyId, "assemblyId") is { } idError) return idError;
        if (string.IsNullOrWhiteSpace(c.Serial)) return new DomainError(AssemblyErrors.InvalidAssembly, "an assembly has a serial");
        // A server's serial is a label like a chip's: the same grammar, so it cannot hide characters or carry markup.
        if (!Serials.IsWellFormed(c.Serial))
        {
            return new DomainError(Serials.InvalidSerial, $"an assembly's serial is 1 to {Serials.MaxLength} ASCII letters, digits, '-', '.' or '_'");
        }
        if (Countries.Problem(c.Country, "country") is { } countryError) return countryError;
        return Decision<IAssemblyEvent>.Accept(new AssemblyRegistered(c.AssemblyId, c.Kind, c.Serial, c.Country, c.Actor.OrganisationId, c.At));
    }

    public static Decision<StreamEvents> Decide(PackChipsIntoAssembly c, Assembly? state, IReadOnlyDictionary<string, ChipState> chips)
    {
        if (Guard(state, c.AssemblyId, c.Actor, state?.CustodianId) is { } error) return error;
        if (state!.Stage != AssemblyStage.InStock) return Error(AssemblyErrors.AssemblyNotInStock, $"assembly {state.Id} is {state.Stage}");
        if (c.ChipIds.Count == 0 || c.ChipIds.Distinct().Count() != c.ChipIds.Count) return Error(AssemblyErrors.InvalidChipList, "name each chip once");
        return FanOut(c.EventId, state, c.ChipIds, chips,
            (id, chip) => new PackChip(id, chip, state.Id, c.Actor, c.At),
            c.ChipIds.Select(chip => (IDomainEvent)new AssemblyChipPacked(state.Id, chip, c.Actor.OrganisationId, c.At)).ToList());
    }

    public static Decision<StreamEvents> Decide(UnpackChipsFromAssembly c, Assembly? state, IReadOnlyDictionary<string, ChipState> chips)
    {
        if (Guard(state, c.AssemblyId, c.Actor, state?.CustodianId) is { } error) return error;
        if (state!.Stage != AssemblyStage.InStock) return Error(AssemblyErrors.AssemblyNotInStock, $"assembly {state.Id} is {state.Stage}");
        if (c.ChipIds.FirstOrDefault(id => !state.ChipIds.Contains(id)) is { } stranger) return Error(AssemblyErrors.ChipNotInAssembly, $"chip {stranger} is not in assembly {state.Id}");
        return FanOut(c.EventId, state, c.ChipIds, chips,
            (id, chip) => new UnpackChip(id, chip, state.Id, c.Actor, c.At),
            c.ChipIds.Select(chip => (IDomainEvent)new AssemblyChipUnpacked(state.Id, chip, c.Actor.OrganisationId, c.At)).ToList());
    }

    public static Decision<StreamEvents> Decide(ShipAssembly c, Assembly? state, IReadOnlyDictionary<string, ChipState> chips)
    {
        if (Guard(state, c.AssemblyId, c.Actor, state?.CustodianId) is { } error) return error;
        if (state!.Stage != AssemblyStage.InStock) return Error(NotInStock(state.Stage), $"assembly {state.Id} is {state.Stage}");
        if (Countries.Problem(c.DestinationCountry, "destinationCountry") is { } countryError) return Decision<StreamEvents>.Reject(countryError);
        if (state.ChipIds.FirstOrDefault(id => !chips.ContainsKey(id)) is { } unknown) return Error(AssemblyErrors.ChipStateMissing, $"no state given for packed chip {unknown}");
        var missingModel = state.ChipIds.Select(id => chips[id].ModelId ?? "").FirstOrDefault(m => !c.Models.ContainsKey(m));
        if (missingModel is not null) return Error(AssemblyErrors.ModelSpecMissing, $"no spec given for model '{missingModel}'");
        return FanOut(c.EventId, state, state.ChipIds, chips,
            (id, chip) => new ShipChip(id, chip, c.DestinationCountry, c.ConsigneeId, c.EndUserId, c.BillToId, c.ShipToId, c.PayerId, c.AuthorisationNumber,
                new ShipmentContext(c.Models[chips[chip].ModelId ?? ""],
                    c.Consignee, c.EndUser, c.Licence, c.Notification, c.AlreadyShippedUnderLicence, state.ChipIds.Count),
                c.Actor, c.At, ViaAssembly: state.Id),
            [new AssemblyShipped(state.Id, c.DestinationCountry, c.ConsigneeId, c.EndUserId, c.BillToId, c.ShipToId, c.PayerId, c.AuthorisationNumber,
                state.ChipIds.ToArray(), c.Actor.OrganisationId, c.At)]);
    }

    public static Decision<StreamEvents> Decide(ReceiveAssembly c, Assembly? state, IReadOnlyDictionary<string, ChipState> chips)
    {
        if (Guard(state, c.AssemblyId, c.Actor, state?.ConsigneeId ?? state?.CustodianId) is { } error) return error;
        if (state!.Stage != AssemblyStage.InTransit) return Error(AssemblyErrors.AssemblyNotInTransit, $"assembly {state.Id} is {state.Stage}");
        return FanOut(c.EventId, state, state.ChipIds, chips,
            (id, chip) => new ReceiveChip(id, chip, c.Country, c.Actor, c.At, ViaAssembly: state.Id),
            [new AssemblyReceived(state.Id, c.Country, c.Actor.OrganisationId, c.At)]);
    }

    public static Decision<StreamEvents> Decide(InstallAssembly c, Assembly? state, IReadOnlyDictionary<string, ChipState> chips)
    {
        if (Guard(state, c.AssemblyId, c.Actor, state?.CustodianId) is { } error) return error;
        if (state!.Stage != AssemblyStage.InStock) return Error(NotInStock(state.Stage), $"assembly {state.Id} is {state.Stage}");
        if (c.Facility.OperatorId != c.Actor.OrganisationId) return Error(AssemblyErrors.NotFacilityOperator, $"this organisation does not operate facility {c.Facility.Id}");
        return FanOut(c.EventId, state, state.ChipIds, chips,
            (id, chip) => new InstallChip(id, chip, c.Facility, c.ClusterId, c.Rack, c.Actor, c.At, ViaAssembly: state.Id),
            [new AssemblyInstalled(state.Id, c.Facility.Id, c.ClusterId, c.Rack, c.Actor.OrganisationId, c.At)]);
    }

    /// <summary>The code of an assembly that is not in stock: the stage it is in.</summary>
    private static string NotInStock(AssemblyStage stage) => stage switch
    {
        AssemblyStage.InTransit => AssemblyErrors.AssemblyInTransit,
        AssemblyStage.Installed => AssemblyErrors.AssemblyInstalled,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    /// <summary>Assembly commands come from the assembly's custodian (or, for a receipt, its consignee).</summary>
    private static Decision<StreamEvents>? Guard(Assembly? state, string assemblyId, Actor actor, string? rightful)
    {
        if (state is null) return Error(AssemblyErrors.AssemblyNotRegistered, $"assembly '{assemblyId}' is not registered");
        if (actor.OrganisationId != rightful) return Error(AssemblyErrors.NotCustodian, $"this organisation does not act on assembly {state.Id} now");
        return null;
    }

    private static Decision<StreamEvents> FanOut(
        Guid seed, Assembly assembly, IReadOnlyList<string> chipIds, IReadOnlyDictionary<string, ChipState> chips,
        Func<Guid, string, IChipCommand> commandFor, IReadOnlyList<IDomainEvent> assemblyEvents)
    {
        var streams = new List<StreamEvents> { new(StreamId.Assembly(assembly.Id), assemblyEvents) };
        foreach (var chipId in chipIds)
        {
            var state = chips.GetValueOrDefault(chipId) ?? ChipState.Initial(chipId);
            var decision = ChipDecisions.Decide(commandFor(DeterministicIds.Derive(seed, $"chip/{chipId}"), chipId), state);
            if (!decision.IsAccepted) return Error(decision.Error!.Code, $"chip {chipId}: {decision.Error.Message}");
            if (decision.Events.OfType<ChipObserved>().FirstOrDefault() is { } observed)
            {
                return Error(AssemblyErrors.ChipCustodyMismatch, $"chip {chipId} does not follow assembly {assembly.Id} ({observed.ConflictCode})");
            }
            streams.Add(new StreamEvents(StreamId.Chip(chipId), decision.Events.Cast<IDomainEvent>().ToList()));
        }
        return Decision<StreamEvents>.Accept(streams);
    }
}

/// <summary>
/// The assembly use cases' handlers. Acts on an assembly reach every packed chip, so each loads the assembly and its
/// chips, decides once, and appends to all of them in one multi-stream transaction (shared correlation id).
/// </summary>
public static class AssemblyCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Assembly(command.AssemblyId), StreamKeys.AssemblyType, () => commands.Reads.LoadAssemblyAsync(command.AssemblyId, cancellationToken),
            state => Task.FromResult(AssemblyDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, PackChipsIntoAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunAssemblyAsync(command.AssemblyId, command.EventId, _ => command.ChipIds, (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, UnpackChipsFromAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunAssemblyAsync(command.AssemblyId, command.EventId, _ => command.ChipIds, (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    /// <summary>Ships the assembly and every packed chip in one multi-stream append (each chip's licence check recorded).</summary>
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ShipAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunAssemblyAsync(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ReceiveAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunAssemblyAsync(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, InstallAssembly command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunAssemblyAsync(command.AssemblyId, command.EventId, state => state?.ChipIds ?? [], (state, chips) => AssemblyDecisions.Decide(command, state, chips), command.Actor, metadata, cancellationToken);

    private static Task<CommandResult> RunAssemblyAsync(
        this CommandPipeline commands, string assemblyId, Guid eventId, Func<Assembly?, IReadOnlyList<string>> chipsOf,
        Func<Assembly?, IReadOnlyDictionary<string, ChipState>, Decision<StreamEvents>> decide, Actor actor, CommandMetadata? metadata, CancellationToken cancellationToken) =>
        commands.RunStreamsAsync(async () =>
        {
            var assembly = await commands.Reads.LoadAssemblyAsync(assemblyId, cancellationToken);
            var chips = await commands.Reads.LoadChipsAsync(chipsOf(assembly.State), cancellationToken);
            var decision = decide(assembly.State, chips.ToDictionary(p => p.Key, p => p.Value.State, StringComparer.Ordinal));
            var streams = chips.ToDictionary(p => StreamKeys.Chip(p.Key), p => new LoadedStream(p.Value.Version, p.Value.State), StringComparer.Ordinal);
            streams[StreamKeys.Assembly(assemblyId)] = new LoadedStream(assembly.Version, assembly.State);
            return (decision, (IReadOnlyDictionary<string, LoadedStream>)streams);
        }, actor, CommandPipeline.Correlated(metadata, eventId), cancellationToken);
}
