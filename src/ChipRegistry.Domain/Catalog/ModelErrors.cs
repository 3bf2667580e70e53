using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Catalog;

/// <summary>The stable error codes of the catalog's decisions (accelerator models), each with its kind.</summary>
public static class ModelErrors
{
    public const string NotManufacturer = "not_manufacturer";
    public const string NotAgency = "not_agency";
    public const string InvalidSpec = "invalid_spec";
    public const string ModelAlreadyRegistered = "model_already_registered";
    public const string ModelNotRegistered = "model_not_registered";
    public const string NotModelManufacturer = "not_model_manufacturer";
    public const string FindingRequired = "finding_required";

    /// <summary>A new model id that does not start with its manufacturer's id and '-'.</summary>
    public const string ForeignModelId = "foreign_model_id";

    public static IReadOnlyDictionary<string, ErrorKind> ErrorKinds { get; } = new Dictionary<string, ErrorKind>(StringComparer.Ordinal)
    {
        [NotManufacturer] = ErrorKind.Refused,
        [NotAgency] = ErrorKind.Refused,
        [InvalidSpec] = ErrorKind.Invalid,
        [ModelAlreadyRegistered] = ErrorKind.Conflict,
        [ModelNotRegistered] = ErrorKind.NotFound,
        [NotModelManufacturer] = ErrorKind.Conflict,
        [FindingRequired] = ErrorKind.Invalid,
        [ForeignModelId] = ErrorKind.Invalid,
    };
}
