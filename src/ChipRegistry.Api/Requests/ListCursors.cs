using System.Buffers.Text;
using System.Text;
using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// The keyset cursor of the facility and licence lists: the last id of the page, base64url, so a client treats it
/// as opaque. A cursor that does not decode to an id is 400 <c>invalid_cursor</c>; so is an over-long one.
/// </summary>
public static class ListCursors
{
    private const int MaxIdLength = 200;

    public static string Encode(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    public static string? Decode(string? cursor)
    {
        if (cursor is null) return null;
        try
        {
            var id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return id.Length is > 0 and <= MaxIdLength ? id : throw Paging.InvalidCursor();
        }
        catch (FormatException)
        {
            throw Paging.InvalidCursor();
        }
    }

    /// <summary>An optional id filter: absent, or 1 to 200 characters (else 400 <c>invalid_filter</c>).</summary>
    public static string? Filter(string name, string? value) =>
        value is null || value.Length is > 0 and <= MaxIdLength
            ? value
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_filter", "A list filter is malformed.", $"{name} must be 1 to {MaxIdLength} characters.");
}
