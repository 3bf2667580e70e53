using System.Text.Json;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Keys;

/// <summary><paramref name="Role"/> may be left out: it is the organisation's kind (admin for the built-in registry organisation).</summary>
public sealed record IssueKeyRequest(string OrganisationId, string? Role = null, string Label = "issued through the API");

public sealed record IssuedKeyResponse(string KeyId, string OrganisationId, string Role, string Token);

public sealed record RevokeKeyRequest(string Reason);

/// <summary>A page of keys; <see cref="Next"/> is the cursor of the following page (null: this was the last).</summary>
public sealed record KeyPage(IReadOnlyList<ApiKeySummary> Keys, string? Next);

/// <summary>Admin endpoints for API keys (<c>chipreg keys</c> calls these).</summary>
public static class KeyEndpoints
{
    private static readonly JsonSerializerOptions Json = CommandRequests.Strict();

    /// <summary>The roles a key may carry: the organisation kinds, in snake_case, plus admin.</summary>
    public static IReadOnlySet<string> Roles { get; } = Enum.GetValues<OrganisationKind>()
        .Where(kind => kind != OrganisationKind.Registry)
        .Select(kind => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()))
        .Append(ApiKeys.AdminRole)
        .ToHashSet();

    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/admin/keys").WithTags("Keys").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        group.MapPost("", async Task<Created<IssuedKeyResponse>> (HttpRequest request, ApiKeys keys, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<IssueKeyRequest>(request, Json, cancellationToken);
            if (body.Role is not null && !Roles.Contains(body.Role))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_role", "The role is not one the registry knows.", $"Use one of: {string.Join(", ", Roles.Order())}.");
            }
            if (string.IsNullOrWhiteSpace(body.OrganisationId) || body.OrganisationId.Length > 200)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_organisation", "The organisation id must be 1 to 200 characters.");
            }
            var role = await RoleOfRegisteredAsync(body.OrganisationId, reads, cancellationToken);
            if (body.Role is not null && body.Role != role)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "role_mismatch", "A key's role is its organisation's kind.",
                    $"'{body.OrganisationId}' is registered as {role}; leave the role out or send \"{role}\".");
            }
            var (keyId, token) = await keys.IssueAsync(body.OrganisationId, role, body.Label, request.HttpContext.AppendMetadata(), cancellationToken);
            return TypedResults.Created($"/api/v1/admin/keys/{keyId}", new IssuedKeyResponse(keyId, body.OrganisationId, role, token));
        }).Accepts<IssueKeyRequest>("application/json").WithName("IssueKey")
            .WithSummary("Issue an API key to a registered organisation, with the role of its kind; the token is returned once.")
            .WithRequestExample(new IssueKeyRequest("op-colossus", "operator", "Memphis site operations"))
            .WithResponseExample(StatusCodes.Status201Created, new IssuedKeyResponse("5f0c9e0a3b9f4d2e8a7c1b6d4e2f9a10", "op-colossus", "operator", "crk_5f0c9e0a3b9f4d2e8a7c1b6d4e2f9a10_<secret, shown once>"))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

        group.MapGet("", async (string? organisationId, string? cursor, int? limit, ApiKeys keys, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, DefaultPageSize, MaxPageSize);
            var page = await keys.ListAsync(organisationId, cursor, size, cancellationToken)
                ?? throw Paging.InvalidCursor();
            return TypedResults.Ok(new KeyPage(page.Keys, page.More ? page.Keys[^1].KeyId : null));
        }).WithName("ListKeys")
            .WithSummary("List API keys (never their tokens) in issue order, a page at a time, optionally for one organisation; pass next as cursor.")
            .WithResponseExample(StatusCodes.Status200OK, new { keys = new[] { new { keyId = "5f0c9e0a3b9f4d2e8a7c1b6d4e2f9a10", organisationId = "op-colossus", role = "operator", label = "Memphis site operations", issuedBy = "registry", issuedAt = "2026-11-20T09:00:00Z", revokedAt = (string?)null } }, next = (string?)null })
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        group.MapPost("/{keyId}/revoke", async Task<Results<NoContent, ProblemHttpResult>> (string keyId, HttpRequest request, ApiKeys keys, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<RevokeKeyRequest>(request, Json, cancellationToken);
            return await keys.RevokeAsync(keyId, null, request.HttpContext.AppendMetadata(), body.Reason, cancellationToken)
                ? TypedResults.NoContent()
                : ApiProblems.Result(StatusCodes.Status404NotFound, "not_found", "No such key.");
        }).Accepts<RevokeKeyRequest>("application/json").WithName("RevokeKey")
            .WithSummary("Revoke an API key at once; the revocation is recorded with its reason.")
            .WithRequestExample(new RevokeKeyRequest("laptop lost"))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests);

        return endpoints;
    }

    /// <summary>
    /// The role a key of the organisation carries: admin for the built-in registry, else its registered kind.
    /// A key for an unregistered organisation would act for no one the registry knows, so there is none.
    /// </summary>
    private static async Task<string> RoleOfRegisteredAsync(string organisationId, RegistryReads reads, CancellationToken cancellationToken)
    {
        if (organisationId == BuiltInOrganisations.RegistryId)
        {
            return ApiKeys.AdminRole;
        }
        return (await reads.LoadOrganisationAsync(organisationId, cancellationToken)).State is { } organisation
            ? Callers.Callers.RoleOf(organisation.Kind)
            : throw new ApiProblemException(StatusCodes.Status404NotFound, "organisation_not_registered", "The organisation is not registered.",
                $"Register '{organisationId}' first (POST /api/v1/organisations).");
    }
}
