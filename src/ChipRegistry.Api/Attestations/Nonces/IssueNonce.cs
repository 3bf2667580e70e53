using NodaTime;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Attestations.Nonces;

public sealed record NonceResponse(string Nonce, Instant ExpiresAt);

/// <summary>An operator takes a single-use nonce for its next signed attestation.</summary>
internal static class IssueNonce
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/attestation-nonces", async Task<Created<NonceResponse>> (HttpContext context, AttestationNonces nonces, CancellationToken cancellationToken) =>
        {
            var (nonce, expiresAt) = await nonces.IssueAsync(context.User.OrganisationId(), cancellationToken);
            return TypedResults.Created((string?)null, new NonceResponse(nonce, expiresAt));
        }).RequireAuthorization(AttestationEndpoints.OperatorPolicy).WithName("IssueAttestationNonce")
            .WithSummary("A single-use nonce for the caller's next signed attestation, valid for 10 minutes.")
            .WithResponseExample(StatusCodes.Status201Created, new NonceResponse("Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", Instant.FromUtc(2026, 11, 20, 10, 10)))
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
}
