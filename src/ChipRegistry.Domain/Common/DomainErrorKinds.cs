using System.Collections.Frozen;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Detection.Reviews;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Domain.Common;

/// <summary>
/// Every domain error code with its <see cref="ErrorKind"/>, gathered from the tables the declaring classes keep beside
/// their constants. A code declared by several features (<c>invalid_country</c>, <c>not_agency</c>) must have one kind.
/// </summary>
public static class DomainErrorKinds
{
    /// <summary>The declaring tables, one per class that declares codes.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, ErrorKind>> Tables { get; } =
    [
        CommandErrors.ErrorKinds, ChipErrors.ErrorKinds, RegisterChipLot.ErrorKinds, AssemblyErrors.ErrorKinds, ModelErrors.ErrorKinds,
        FacilityErrors.ErrorKinds, LicenceErrors.ErrorKinds, OrganisationErrors.ErrorKinds, Identifiers.ErrorKinds, Serials.ErrorKinds,
        FreeText.ErrorKinds, CountryErrors.ErrorKinds, Detection.Clock.ClockErrors.ErrorKinds, Detection.Thresholds.ThresholdErrors.ErrorKinds,
        Detection.Landmarks.LandmarkErrors.ErrorKinds, FlagReviewErrors.ErrorKinds,
        Gs1.Gs1Errors.ErrorKinds, Gs1.EpcisErrors.ErrorKinds,
        Webhooks.WebhookErrors.ErrorKinds,
    ];

    /// <summary>Every declared code and its kind.</summary>
    public static IReadOnlyDictionary<string, ErrorKind> All { get; } = Merge(Tables);

    /// <summary>The kind of <paramref name="code"/>, or null for a code no class declares.</summary>
    public static ErrorKind? Of(string code) => All.TryGetValue(code, out var kind) ? kind : null;

    private static FrozenDictionary<string, ErrorKind> Merge(IEnumerable<IReadOnlyDictionary<string, ErrorKind>> tables)
    {
        var all = new Dictionary<string, ErrorKind>(StringComparer.Ordinal);
        foreach (var (code, kind) in tables.SelectMany(t => t))
        {
            if (all.TryGetValue(code, out var declared) && declared != kind)
            {
                throw new InvalidOperationException($"The error code {code} is declared both {declared} and {kind}.");
            }
            all[code] = kind;
        }
        return all.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
