using ChipRegistry.Domain.Projections.Concentration;
using NodaTime;

namespace ChipRegistry.Api.Concentration;

public sealed record ModelCountResponse(string ModelId, string Status, long Chips);

/// <summary>One group: see <see cref="ConcentrationGroup"/>; keys starting with <c>*</c> are buckets, never ids.</summary>
public sealed record ConcentrationGroupResponse(
    string Key, string? ParentCountry, long Chips, decimal Tpp, decimal H100Equivalents, decimal InstalledPowerW, decimal? DeclaredPowerMw,
    IReadOnlyList<ModelCountResponse> Models)
{
    public static ConcentrationGroupResponse Of(ConcentrationGroup g) => new(
        g.Key, g.ParentCountry, g.Chips, g.Tpp, Math.Round(g.H100Equivalents, 4, MidpointRounding.AwayFromZero), g.InstalledPowerW, g.DeclaredPowerMw,
        [.. g.Models.Select(m => new ModelCountResponse(m.ModelId, m.Status, m.Chips))]);
}

/// <summary>
/// A page of groups (H100-equivalents descending, then key) at the end of UTC day <see cref="AsOf"/>;
/// <see cref="ProjectedThroughSeqId"/>: the event the projections had applied up to; <see cref="Next"/>: the cursor
/// of the following page (null at the end).
/// </summary>
public sealed record ConcentrationResponse(string Grouping, LocalDate AsOf, long ProjectedThroughSeqId, IReadOnlyList<ConcentrationGroupResponse> Groups, string? Next)
{
    public static readonly ConcentrationResponse Example = new("operator", new LocalDate(2026, 11, 30), 48211,
    [
        new ConcentrationGroupResponse("op-colossus", null, 2, 31662.4m, 2m, 1400m, null, [new ModelCountResponse("nvidia-h100-sxm", "installed", 2)]),
        new ConcentrationGroupResponse("*in_stock", null, 1, 15831.2m, 1m, 0m, null, [new ModelCountResponse("nvidia-h100-sxm", "in_stock", 1)]),
    ], null);
}
