using NodaTime;

namespace ChipRegistry.Domain.Projections.Concentration;

/// <summary>What chips are grouped by. The three parent groupings follow the owner's, the operator's or the tenant's ultimate parent.</summary>
public enum ConcentrationGrouping
{
    Facility,
    Cluster,
    Operator,
    Owner,
    Country,
    OwnerParent,
    OperatorParent,
    TenantParent,
}

/// <summary>
/// Concentration at the end of UTC day <see cref="AsOf"/>, optionally only one model, location country or status;
/// <see cref="OperatorId"/>, when set, keeps only the chips installed in the facilities that operator runs that day.
/// </summary>
public sealed record ConcentrationQuery(
    ConcentrationGrouping Grouping, LocalDate AsOf, string? ModelId = null, string? Country = null, string? Status = null, string? OperatorId = null);

/// <summary>How many chips of a model, in a status, a group holds.</summary>
public sealed record ModelCount(string ModelId, string Status, long Chips);

/// <summary>
/// One group: its key (an id, or a bucket starting with <c>*</c> for chips the grouping does not place: <c>*in_stock</c>,
/// <c>*in_transit</c>, <c>*untenanted</c>...), the ultimate parent's headquarters country (parent groupings), the chips,
/// their TPP and H100-equivalents at the spec in force that day, the TDP of its installed chips and, grouped by
/// facility, the facility's declared power.
/// </summary>
public sealed record ConcentrationGroup(
    string Key, string? ParentCountry, long Chips, decimal Tpp, decimal H100Equivalents, decimal InstalledPowerW, decimal? DeclaredPowerMw,
    IReadOnlyList<ModelCount> Models);

/// <summary>Every group, H100-equivalents descending then key; <see cref="ProjectedThrough"/> is the event the tables reflect.</summary>
public sealed record ConcentrationAnswer(LocalDate AsOf, IReadOnlyList<ConcentrationGroup> Groups, long ProjectedThrough);
