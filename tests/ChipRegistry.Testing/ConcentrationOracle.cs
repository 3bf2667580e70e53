using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Concentration;
using NodaTime;

namespace ChipRegistry.Testing;

/// <summary>
/// Concentration by brute force, straight from the events as appended (stream and order of record): each chip's
/// non-voided events that happened before the end of the day, folded in business-time order; the facility's
/// operator and power, the parent chains and the spec from their own events. No projection table is read.
/// </summary>
public static class ConcentrationOracle
{
    public static IReadOnlyList<string> Of(IReadOnlyList<(string StreamKey, IDomainEvent Event)> recorded, ConcentrationQuery query)
    {
        var end = query.AsOf.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var directory = new OrganisationDirectory(recorded.Select(r => r.Event).OfType<IOrganisationEvent>()
            .GroupBy(e => e.OrganisationId).Select(g => Organisation.Fold(g)!));
        string? Ultimate(string? id) => id is null ? null : directory.UltimateParentId(id, query.AsOf);
        string? CountryOf(string? id) => id is null ? null : directory.Find(id)?.Country;

        var chips = new List<Chip>();
        foreach (var stream in recorded.Select((r, seq) => (r, seq)).Where(x => x.r.Event is IChipEvent).GroupBy(x => x.r.StreamKey))
        {
            var events = stream.Select(x => (Seq: x.seq, Event: (IChipEvent)x.r.Event)).ToList();
            var voided = ChipHistory.Fold(stream.Key, events.Select(e => e.Event)).Voided;
            var state = events
                .Where(e => e.Event is not ChipEventVoided && !voided.Contains(e.Event.EventId) && e.Event.OccurredAt < end)
                .OrderBy(e => e.Event.OccurredAt).ThenBy(e => e.Seq)
                .Aggregate(ChipState.Initial(stream.Key), (s, e) => ChipState.Evolve(s, e.Event));
            if (state.Stage is ChipStage.Unregistered or ChipStage.Destroyed) continue;
            var status = ChipStateProjection.StageName(state.Stage);
            var installed = state.Stage == ChipStage.Installed ? state.Installation : null;
            var tenant = installed is not null && state.Tenancy is { } t && t.From < end && (t.To is null || t.To >= end) ? t.TenantId : null;
            var facility = installed is null ? null : Facility(recorded, installed.FacilityId, end);
            var spec = Spec(recorded, state.ModelId!, end);
            chips.Add(new Chip(status, state.ModelId!, state.OwnerId!, state.LocationCountry, installed?.FacilityId, installed?.ClusterId, facility?.Operator,
                facility?.Power, tenant, Metrics.Tpp(spec) ?? 0m, spec.TdpWatts?.Value ?? 0m));
        }

        var selected = chips.Where(c => (query.ModelId is null || c.ModelId == query.ModelId) && (query.Country is null || c.Country == query.Country)
            && (query.Status is null || c.Status == query.Status) && (query.OperatorId is null || (c.Status == "installed" && c.Operator == query.OperatorId)));
        var bucket = (Chip c) => "*" + c.Status;
        var groups = selected.GroupBy(c => query.Grouping switch
        {
            ConcentrationGrouping.Facility => (Key: c.Status == "installed" ? c.FacilityId! : bucket(c), Country: (string?)null, Power: c.Status == "installed" ? c.Power : null),
            ConcentrationGrouping.Cluster => (c.Status == "installed" ? $"{c.FacilityId}/{c.ClusterId}" : bucket(c), null, null),
            ConcentrationGrouping.Operator => (c.Status == "installed" ? c.Operator! : bucket(c), null, null),
            ConcentrationGrouping.Owner => (c.OwnerId, null, null),
            ConcentrationGrouping.Country => (c.Status == "in_transit" ? bucket(c) : c.Country!, null, null),
            ConcentrationGrouping.OwnerParent => (Ultimate(c.OwnerId)!, CountryOf(Ultimate(c.OwnerId)), null),
            ConcentrationGrouping.OperatorParent => c.Status == "installed" ? (Ultimate(c.Operator)!, CountryOf(Ultimate(c.Operator)), null) : (bucket(c), null, null),
            _ => c.TenantId is null ? ("*untenanted", null, null) : (Ultimate(c.TenantId)!, CountryOf(Ultimate(c.TenantId)), null),
        });
        var answer = groups.Select(g => new ConcentrationGroup(g.Key.Key, g.Key.Country, g.Count(), g.Sum(c => c.Tpp), g.Sum(c => c.Tpp) / Metrics.H100ReferenceTpp,
            g.Where(c => c.Status == "installed").Sum(c => c.TdpW), g.Key.Power,
            [.. g.GroupBy(c => (c.ModelId, c.Status)).Select(m => new ModelCount(m.Key.ModelId, m.Key.Status, m.Count()))
                .OrderByDescending(m => m.Chips).ThenBy(m => m.ModelId, StringComparer.Ordinal).ThenBy(m => m.Status, StringComparer.Ordinal)]));
        return Describe(ConcentrationReads.Ordered(answer));
    }

    /// <summary>Groups as comparable lines (decimals normalised: numeric sums and C# sums differ only in trailing zeros).</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<ConcentrationGroup> groups) =>
        [.. groups.Select(g => string.Join(" ", g.Key, g.ParentCountry ?? "-", g.Chips, N(g.Tpp), N(Math.Round(g.H100Equivalents, 6)), N(g.InstalledPowerW),
            g.DeclaredPowerMw is { } p ? N(p) : "-", string.Join(",", g.Models.Select(m => $"{m.ModelId}:{m.Status}:{m.Chips}"))))];

    private static string N(decimal value) => value.ToString("0.############", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Chip(string Status, string ModelId, string OwnerId, string? Country, string? FacilityId, string? ClusterId, string? Operator,
        decimal? Power, string? TenantId, decimal Tpp, decimal TdpW);

    /// <summary>The operator and declared power in force before <paramref name="end"/> (the test registers facilities before any chip arrives).</summary>
    private static (string Operator, decimal Power)? Facility(IReadOnlyList<(string StreamKey, IDomainEvent Event)> recorded, string facilityId, Instant end)
    {
        var events = recorded.Select(r => r.Event).OfType<IFacilityEvent>().Where(e => e.FacilityId == facilityId).ToList();
        if (events.OfType<FacilityRegistered>().FirstOrDefault() is not { } registered) return null;
        var @operator = events.OfType<FacilityOperatorChanged>()
            .Where(c => c.EffectiveFrom.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() < end)
            .OrderBy(c => c.EffectiveFrom).LastOrDefault()?.OperatorId ?? registered.OperatorId;
        var power = events.OfType<FacilityPowerDeclared>().Where(p => p.OccurredAt < end).OrderBy(p => p.OccurredAt).LastOrDefault()?.DeclaredPowerMw
            ?? registered.DeclaredPowerMw;
        return (@operator, power);
    }

    /// <summary>The spec in force just before <paramref name="end"/> (the test registers models before any chip exists).</summary>
    private static AcceleratorSpec Spec(IReadOnlyList<(string StreamKey, IDomainEvent Event)> recorded, string modelId, Instant end)
    {
        var model = AcceleratorModel.Fold(recorded.Select(r => r.Event).OfType<IAcceleratorModelEvent>().Where(e => e.ModelId == modelId))!;
        return model.EffectiveSpecAt(end - Duration.Epsilon) ?? model.Revisions[0].Spec;
    }
}
