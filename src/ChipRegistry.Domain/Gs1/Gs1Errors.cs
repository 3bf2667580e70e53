using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Gs1;

/// <summary>The stable error codes of GS1 company prefix grants and GTIN mappings, each with its kind.</summary>
public static class Gs1Errors
{
    public const string NotRegistryAdmin = "not_registry_admin";
    public const string InvalidCompanyPrefix = "invalid_company_prefix";
    public const string PrefixAlreadyGranted = "prefix_already_granted";

    /// <summary>A prefix that begins another granted prefix, or begins with one: two holders could claim one GTIN.</summary>
    public const string PrefixOverlaps = "prefix_overlaps";

    public const string PrefixNotGranted = "prefix_not_granted";
    public const string NotPrefixHolder = "not_prefix_holder";
    public const string InvalidGtin = "invalid_gtin";
    public const string GtinAlreadyMapped = "gtin_already_mapped";
    public const string GtinNotMapped = "gtin_not_mapped";
    public const string NotManufacturer = "not_manufacturer";
    public const string ModelNotRegistered = "model_not_registered";
    public const string NotModelManufacturer = "not_model_manufacturer";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotRegistryAdmin] = ErrorKind.Refused,
        [InvalidCompanyPrefix] = ErrorKind.Invalid,
        [PrefixAlreadyGranted] = ErrorKind.Conflict,
        [PrefixOverlaps] = ErrorKind.Conflict,
        [PrefixNotGranted] = ErrorKind.Conflict,
        [NotPrefixHolder] = ErrorKind.Conflict,
        [InvalidGtin] = ErrorKind.Invalid,
        [GtinAlreadyMapped] = ErrorKind.Conflict,
        [GtinNotMapped] = ErrorKind.NotFound,
        [NotManufacturer] = ErrorKind.Refused,
        [ModelNotRegistered] = ErrorKind.NotFound,
        [NotModelManufacturer] = ErrorKind.Conflict,
    };
}
