using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// Checks of request fields that do not depend on any stored state (so they answer the same for every chip or
/// record, visible or not): ids of other records, ids of new records, free text and countries.
/// </summary>
public static class RequestFields
{
    public const int MaxIdLength = 200;
    public const int MaxTextLength = 2000;

    /// <summary>An identifier of another record (organisation, facility, licence, lot, RMA): 1 to 200 printable characters.</summary>
    public static string Id(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength || value.Any(char.IsControl) || value != value.Trim())
        {
            throw Invalid(field, $"{field} must be 1 to {MaxIdLength} printable characters without surrounding spaces.");
        }
        return value;
    }

    public static string? OptionalId(string? value, string field) => value is null ? null : Id(value, field);

    /// <summary>An id the request names for a new record: 1 to 200 characters, no '/', not blank (it becomes part of a stream key and a URL).</summary>
    public static string NewId(string value, string field, string code)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxIdLength || value.Contains('/', StringComparison.Ordinal) || value.Trim() != value)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, code, "An id is not acceptable.", $"{field} must be 1 to {MaxIdLength} characters, without '/' or surrounding spaces.");
        }
        return value;
    }

    /// <summary>Free text (a reason, a method, circumstances): not blank, at most 2,000 characters.</summary>
    public static string Text(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxTextLength)
        {
            throw Invalid(field, $"{field} must be 1 to {MaxTextLength} characters and not blank.");
        }
        return value;
    }

    /// <summary>A country: an assigned ISO 3166-1 alpha-2 code (<see cref="Countries.Problem"/>: 422 <c>invalid_country</c> or <c>unknown_country</c>).</summary>
    public static string Country(string value, string field) =>
        Countries.Problem(value, field) is { } error
            ? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, error.Code, "A country is not an assigned ISO 3166-1 alpha-2 code.", error.Message)
            : value;

    private static ApiProblemException Invalid(string field, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "invalid_field", $"The field {field} is not acceptable.", detail);
}
