using System.Text;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;

namespace ChipRegistry.Api.Attestations.Keys;

public sealed record AttestationKeyPage(IReadOnlyList<AttestationKeyResponse> Keys, string? Next);

/// <summary>
/// An operator lists its own attestation keys; agencies and administrators every operator's, or one organisation's.
/// Keyset pages: <see cref="AttestationKeyPage.Next"/> is the <c>after</c> of the next page.
/// </summary>
internal static class ListAttestationKeys
{
    private const int MaxPage = 200;

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/attestation-keys", async (string? organisationId, string? after, int? limit, HttpContext context, AttestationKeyStore keys, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, 50, MaxPage, Paging.InvalidPage);
            var caller = context.User.OrganisationId();
            if (!context.User.ReadsEverything() && organisationId is not null && organisationId != caller)
            {
                throw new ApiProblemException(StatusCodes.Status403Forbidden, "forbidden", "An operator lists only its own keys.");
            }
            var owner = context.User.ReadsEverything() ? organisationId : caller;
            var page = await keys.ListAsync(owner, null, DecodeCursor(after), size + 1, cancellationToken);
            var shown = page.Take(size).ToList();
            return TypedResults.Ok(new AttestationKeyPage(shown, page.Count > size ? EncodeCursor(shown[^1]) : null));
        }).RequireAuthorization(AttestationEndpoints.KeyReaderPolicy).WithName("ListAttestationKeys")
            .WithSummary("The caller's attestation keys (agencies and administrators: every operator's, or one organisation's), a page at a time.")
            .WithResponseExample(StatusCodes.Status200OK, new AttestationKeyPage([RegisterAttestationKey.ExampleKey], null))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

    private static string? EncodeCursor(AttestationKeyResponse last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.OrganisationId}\n{last.KeyId}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The last key of the previous page; a cursor this endpoint did not give is 400 <c>invalid_page</c> (as documented, not the newer lists' <c>invalid_cursor</c>).</summary>
    private static (string, string)? DecodeCursor(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return null;
        }
        try
        {
            var padded = after.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('\n');
            return parts.Length == 2 ? (parts[0], parts[1]) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, Paging.InvalidPage, "The cursor is not one this endpoint returned.");
        }
    }
}
