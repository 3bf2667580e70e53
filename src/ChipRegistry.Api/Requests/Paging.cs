using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Requests;

/// <summary>
/// The checks every list endpoint makes on its page parameters. The older lists (catalog, organisations,
/// attestation keys) answer <c>invalid_page</c>, the newer ones <c>invalid_limit</c>; each keeps its documented
/// code, passed in here.
/// </summary>
public static class Paging
{
    public const string InvalidLimit = "invalid_limit";
    public const string InvalidPage = "invalid_page";

    /// <summary>The page size asked for (or <paramref name="fallback"/>), or a 400 when it is outside 1 to <paramref name="max"/>.</summary>
    public static int Size(int? limit, int fallback, int max, string code = InvalidLimit)
    {
        var size = limit ?? fallback;
        return size is >= 1 && size <= max
            ? size
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, code, "The page size is out of range.", $"1 <= limit <= {max}.");
    }

    public static ApiProblemException InvalidCursor() =>
        new(StatusCodes.Status400BadRequest, "invalid_cursor", "The cursor is not one this endpoint gave.");
}
