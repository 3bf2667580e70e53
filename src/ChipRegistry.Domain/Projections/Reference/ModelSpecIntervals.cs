using ChipRegistry.Domain.Catalog;

namespace ChipRegistry.Domain.Projections.Reference;

/// <summary>
/// A model's specification in force over time, as the catalog decides it at each instant
/// (<see cref="AcceleratorModel.EffectiveSpecAt"/>: the latest manufacturer revision, overridden by the agency's
/// finding from its time on), from the model's registration. TPP is <see cref="Metrics.Tpp"/>.
/// </summary>
public static class ModelSpecIntervals
{
    public static IReadOnlyList<ModelSpecInterval> Of(IReadOnlyList<IAcceleratorModelEvent> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (AcceleratorModel.Fold(stream) is not { } model) return [];
        var changes = model.Revisions.Select(r => r.OccurredAt);
        if (model.Finding is { } finding) changes = changes.Append(finding.OccurredAt);
        var points = changes.Distinct().Order()
            .Select(at => (at, model.EffectiveSpecAt(at)))
            .Where(p => p.Item2 is not null)
            .Select(p => (p.at, (Tpp: Metrics.Tpp(p.Item2!), TdpW: p.Item2!.TdpWatts?.Value)));
        return [.. Intervals.Of(points).Select(i => new ModelSpecInterval(model.ModelId, i.From, i.To, i.Value.Tpp, i.Value.TdpW))];
    }
}
