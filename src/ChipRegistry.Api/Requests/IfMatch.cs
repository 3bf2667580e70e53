using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Requests;

/// <summary><c>If-Match: "&lt;version&gt;"</c> on a chip write: the stream version the caller last read.</summary>
public static class IfMatch
{
    /// <summary>
    /// The version named by the request's If-Match (null: none, or <c>*</c>); anything but one strong entity tag
    /// holding a version number is 400 <c>invalid_if_match</c>.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var values = request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return null;
        }
        var value = values.Count == 1 ? values[0]?.Trim() : null;
        if (value == "*")
        {
            return null;
        }
        if (value is { Length: >= 3 and <= 20 } && value[0] == '"' && value[^1] == '"'
            && long.TryParse(value.AsSpan(1, value.Length - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            && version >= 1)
        {
            return version;
        }
        throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_if_match", "The If-Match header is not a chip version.",
            "Send the ETag of the chip as read, e.g. If-Match: \"3\".");
    }

    /// <summary>The entity tag of a chip at a version.</summary>
    public static string ETagOf(long version) => $"\"{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
}
