using System.Text.Json;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Keys;

public sealed record IssueKeyRequest(string OrganisationId, string Role, string Label);

public sealed record IssuedKeyResponse(string KeyId, string OrganisationId, string Role, string Token);

public sealed record RevokeKeyRequest(string Reason);

/// <summary>Admin endpoints for API keys (<c>chipreg keys</c> calls these).</summary>
public static class KeyEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true };

    /// <summary>The roles a key may carry: the organisation kinds, in snake_case, plus admin.</summary>
    public static IReadOnlySet<string> Roles { get; } = Enum.GetValues<OrganisationKind>()
        .Where(kind => kind != OrganisationKind.Registry)
        .Select(kind => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()))
        .Append(ApiKeys.AdminRole)
        .ToHashSet();

    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/admin/keys").WithTags("Keys").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);

        group.MapPost("", async Task<Created<IssuedKeyResponse>> (HttpRequest request, ApiKeys keys, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<IssueKeyRequest>(request, Json, cancellationToken);
            if (!Roles.Contains(body.Role))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_role", "The role is not one the registry knows.", $"Use one of: {string.Join(", ", Roles.Order())}.");
            }
            if (string.IsNullOrWhiteSpace(body.OrganisationId) || body.OrganisationId.Length > 200)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_organisation", "The organisation id must be 1 to 200 characters.");
            }
            var (keyId, token) = await keys.IssueAsync(body.OrganisationId, body.Role, body.Label, request.HttpContext.User.OrganisationId(), cancellationToken);
            return TypedResults.Created($"/api/v1/admin/keys/{keyId}", new IssuedKeyResponse(keyId, body.OrganisationId, body.Role, token));
        }).Accepts<IssueKeyRequest>("application/json").WithName("IssueKey");

        group.MapGet("", async (string? organisationId, ApiKeys keys, CancellationToken cancellationToken) =>
            TypedResults.Ok(await keys.ListAsync(organisationId, cancellationToken))).WithName("ListKeys");

        group.MapPost("/{keyId}/revoke", async Task<Results<NoContent, ProblemHttpResult>> (string keyId, HttpRequest request, ApiKeys keys, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<RevokeKeyRequest>(request, Json, cancellationToken);
            return await keys.RevokeAsync(keyId, null, request.HttpContext.User.OrganisationId(), body.Reason, cancellationToken)
                ? TypedResults.NoContent()
                : ApiProblems.Result(StatusCodes.Status404NotFound, "not_found", "No such key.");
        }).Accepts<RevokeKeyRequest>("application/json").WithName("RevokeKey");

        return endpoints;
    }
}
