using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Domain.Catalog;

public sealed record SpecRevision(int Revision, AcceleratorSpec Spec, string RecordedBy, Instant OccurredAt);

public sealed record AgencyFinding(AcceleratorSpec Spec, string Finding, string AgencyId, Instant OccurredAt);

/// <summary>
/// A registered model: the manufacturer's spec history and the agency's latest finding.
/// <see cref="EffectiveSpec"/> is what every rule reads: an agency finding overrides the manufacturer.
/// </summary>
public sealed record AcceleratorModel(
    string ModelId,
    string ManufacturerId,
    IReadOnlyList<SpecRevision> Revisions,
    AgencyFinding? Finding)
{
    public bool Equals(AcceleratorModel? other) =>
        other is not null
        && (ModelId, ManufacturerId, Finding) == (other.ModelId, other.ManufacturerId, other.Finding)
        && Revisions.SequenceEqual(other.Revisions);

    public override int GetHashCode() => HashCode.Combine(ModelId, Revisions.Count);

    public SpecRevision Current => Revisions[^1];

    public AcceleratorSpec ManufacturerSpec => Current.Spec;

    public AcceleratorSpec EffectiveSpec => Finding?.Spec ?? ManufacturerSpec;

    /// <summary>The spec in force at an instant (for "was this legal then?"), or null before registration.</summary>
    public AcceleratorSpec? EffectiveSpecAt(Instant at)
    {
        var manufacturer = Revisions.LastOrDefault(r => r.OccurredAt <= at)?.Spec;
        return Finding is not null && Finding.OccurredAt <= at ? Finding.Spec : manufacturer;
    }

    /// <summary>Null before the model is registered.</summary>
    public static AcceleratorModel? Evolve(AcceleratorModel? state, IAcceleratorModelEvent e) => e switch
    {
        AcceleratorModelRegistered r => new AcceleratorModel(r.ModelId, r.ManufacturerId, [new SpecRevision(1, r.Spec, r.RecordedBy, r.OccurredAt)], null),
        AcceleratorSpecRevised r when state is not null => state with { Revisions = [.. state.Revisions, new SpecRevision(r.Revision, r.Spec, r.RecordedBy, r.OccurredAt)] },
        AcceleratorSpecFindingRecorded f when state is not null => state with { Finding = new AgencyFinding(f.Spec, f.Finding, f.RecordedBy, f.OccurredAt) },
        _ => throw new InvalidOperationException($"{e.GetType().Name} cannot apply to {(state is null ? "an unregistered model" : state.ModelId)}"),
    };

    public static AcceleratorModel? Fold(IEnumerable<IAcceleratorModelEvent> events) => events.Aggregate((AcceleratorModel?)null, Evolve);
}

public sealed record RegisterAcceleratorModel(AcceleratorSpec Spec, Actor Actor, Instant At);

public sealed record ReviseAcceleratorSpec(string ModelId, AcceleratorSpec Spec, string Note, Actor Actor, Instant At);

public sealed record RecordSpecFinding(string ModelId, AcceleratorSpec Spec, string Finding, Actor Actor, Instant At);

public static class AcceleratorModelDecisions
{
    private static DomainError? SpecProblems(AcceleratorSpec spec, string modelId)
    {
        if (spec.ModelId != modelId) return new("model_id_mismatch", $"spec is for '{spec.ModelId}', not '{modelId}'");
        var problems = spec.Problems();
        return problems.Count > 0 ? new DomainError(ModelErrors.InvalidSpec, string.Join("; ", problems)) : null;
    }

    /// <summary>The spec with its texts (vendor, name, interconnect note) NFC-normalised, or why one breaks <see cref="FreeText"/>.</summary>
    private static (AcceleratorSpec? Spec, DomainError? Error) NormalisedTexts(AcceleratorSpec spec)
    {
        var vendor = FreeText.Name(spec.Vendor, "vendor");
        var name = FreeText.Name(spec.Name, "name");
        var note = FreeText.Optional(spec.InterconnectNote, "interconnectNote", multiLine: false);
        return (vendor.Error ?? name.Error ?? note.Error) is { } error
            ? (null, error)
            : (spec with { Vendor = vendor.Text!, Name = name.Text!, InterconnectNote = note.Text }, null);
    }

    /// <summary>
    /// A model id belongs to its manufacturer: it starts with the manufacturer's id and '-' (<c>nvidia-h100-sxm</c> is
    /// nvidia's), so no manufacturer takes a name that reads as another's model.
    /// </summary>
    public static bool BelongsTo(string modelId, string manufacturerId) =>
        modelId.Length > manufacturerId.Length + 1 && modelId.StartsWith(manufacturerId, StringComparison.Ordinal) && modelId[manufacturerId.Length] == '-';

    public static Decision<IAcceleratorModelEvent> Decide(RegisterAcceleratorModel c, AcceleratorModel? state)
    {
        if (c.Actor.Kind != OrganisationKind.Manufacturer) return new DomainError(ModelErrors.NotManufacturer, "only a manufacturer registers a model");
        if (state is not null) return new DomainError(ModelErrors.ModelAlreadyRegistered, $"model '{state.ModelId}' is already registered");
        if (Identifiers.ProblemWithNew(c.Spec.ModelId, "modelId") is { } idError) return idError;
        if (!BelongsTo(c.Spec.ModelId, c.Actor.OrganisationId))
        {
            return new DomainError(ModelErrors.ForeignModelId, $"modelId must start with the manufacturer's id and '-' ({c.Actor.OrganisationId}-...)");
        }
        if (SpecProblems(c.Spec, c.Spec.ModelId) is { } error) return error;
        var (spec, textError) = NormalisedTexts(c.Spec);
        if (textError is not null) return textError;
        return Decision<IAcceleratorModelEvent>.Accept(new AcceleratorModelRegistered(spec!.ModelId, c.Actor.OrganisationId, spec, c.Actor.OrganisationId, c.At));
    }

    public static Decision<IAcceleratorModelEvent> Decide(ReviseAcceleratorSpec c, AcceleratorModel? state)
    {
        if (state is null) return new DomainError(ModelErrors.ModelNotRegistered, $"model '{c.ModelId}' is not registered");
        if (c.Actor.OrganisationId != state.ManufacturerId) return new DomainError(ModelErrors.NotModelManufacturer, "only the model's manufacturer revises its spec");
        if (SpecProblems(c.Spec, state.ModelId) is { } error) return error;
        var (spec, textError) = NormalisedTexts(c.Spec);
        var note = string.IsNullOrEmpty(c.Note) ? new TextCheck("", null) : FreeText.Detail(c.Note, "note");
        if ((textError ?? note.Error) is { } invalidText) return invalidText;
        return Decision<IAcceleratorModelEvent>.Accept(new AcceleratorSpecRevised(state.ModelId, state.Current.Revision + 1, spec!, note.Text!, c.Actor.OrganisationId, c.At));
    }

    public static Decision<IAcceleratorModelEvent> Decide(RecordSpecFinding c, AcceleratorModel? state)
    {
        if (!c.Actor.IsAgency) return new DomainError(ModelErrors.NotAgency, "only an agency records a spec finding");
        if (state is null) return new DomainError(ModelErrors.ModelNotRegistered, $"model '{c.ModelId}' is not registered");
        if (string.IsNullOrWhiteSpace(c.Finding)) return new DomainError(ModelErrors.FindingRequired, "a finding states what was found");
        if (SpecProblems(c.Spec, state.ModelId) is { } error) return error;
        var (spec, textError) = NormalisedTexts(c.Spec);
        var finding = FreeText.Detail(c.Finding, "finding");
        if ((textError ?? finding.Error) is { } invalidText) return invalidText;
        return Decision<IAcceleratorModelEvent>.Accept(new AcceleratorSpecFindingRecorded(state.ModelId, spec!, finding.Text!, c.Actor.OrganisationId, c.At));
    }
}

/// <summary>The catalog use cases' handlers: fold the model's stream, decide, append.</summary>
public static class AcceleratorModelCommands
{
    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RegisterAcceleratorModel command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Model(command.Spec.ModelId), StreamKeys.ModelType, () => commands.Reads.LoadModelAsync(command.Spec.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, ReviseAcceleratorSpec command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Model(command.ModelId), StreamKeys.ModelType, () => commands.Reads.LoadModelAsync(command.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);

    public static Task<CommandResult> HandleAsync(this CommandPipeline commands, RecordSpecFinding command, CommandMetadata? metadata = null, CancellationToken cancellationToken = default) =>
        commands.RunEntityAsync(StreamKeys.Model(command.ModelId), StreamKeys.ModelType, () => commands.Reads.LoadModelAsync(command.ModelId, cancellationToken),
            state => Task.FromResult(AcceleratorModelDecisions.Decide(command, state)), command.Actor, metadata, cancellationToken);
}
