using System.Security.Cryptography;
using ChipRegistry.Api.Tests.Attestations;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Authorization.Arrangements;

/// <summary>
/// The attestation endpoints' cells: with the relation the caller's own fresh key, chip or cluster; without it the
/// same shape belonging to another operator. Roles refused by the table get the related shape, so only the role
/// decides their 403.
/// </summary>
public sealed class AttestationArrangements(ApiFixture host) : IMatrixArrangement
{
    private const string Stranger = "matrix-attesting-stranger";

    private readonly AttestationWorld world = new(host);

    public IReadOnlyCollection<string> Endpoints { get; } =
    [
        "POST /api/v1/attestation-keys",
        "POST /api/v1/attestation-keys/{keyId}/retire",
        "POST /api/v1/chips/{chipId}/attestations",
        "POST /api/v1/facilities/{facilityId}/clusters/{clusterId}/attestations",
        "POST /api/v1/signing-requirements",
    ];

    public async Task<ArrangedCall> ArrangeAsync(string endpoint, MatrixCaller caller, bool related)
    {
        var fresh = Guid.NewGuid().ToString("N")[..12];
        // A refused role has no facility or key of its own; a stranger operator's stands in.
        var owner = related && caller.Role == "operator" ? caller.OrganisationId : Stranger;
        await host.RegisterOrganisationAsync(owner, OrganisationKind.Operator);
        var occurredAt = SignedPayload.RecentSecond().ToDateTimeOffset();
        switch (endpoint)
        {
            case "POST /api/v1/attestation-keys":
                return new ArrangedCall("/api/v1/attestation-keys", new { keyId = $"matrix-{fresh}", publicKeyPem = PublicKeyPem(), validFrom = occurredAt });
            case "POST /api/v1/attestation-keys/{keyId}/retire":
                var registered = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys", await OperatorTokenAsync(owner, caller),
                    new { keyId = $"matrix-{fresh}", publicKeyPem = PublicKeyPem(), validFrom = occurredAt.AddDays(-1) });
                registered.EnsureSuccessStatusCode();
                return new ArrangedCall($"/api/v1/attestation-keys/matrix-{fresh}/retire", new { });
            case "POST /api/v1/chips/{chipId}/attestations":
                await world.FacilityAsync(owner, $"matrix-fac-{fresh}", "c1");
                await world.InstallAsync($"matrix-fac-{fresh}", "c1", $"matrix:{fresh}");
                return new ArrangedCall($"/api/v1/chips/matrix:{fresh}/attestations", new { facilityId = $"matrix-fac-{fresh}", method = "rtt", occurredAt });
            case "POST /api/v1/facilities/{facilityId}/clusters/{clusterId}/attestations":
                await world.FacilityAsync(owner, $"matrix-fac-{fresh}", "c1");
                await world.InstallAsync($"matrix-fac-{fresh}", "c1", $"matrix:{fresh}.1", $"matrix:{fresh}.2");
                return new ArrangedCall($"/api/v1/facilities/matrix-fac-{fresh}/clusters/c1/attestations", new { method = "rtt", occurredAt });
            case "POST /api/v1/signing-requirements":
                return new ArrangedCall("/api/v1/signing-requirements", new { organisationId = owner, from = occurredAt.AddYears(1) });
            default:
                throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "not arranged here");
        }
    }

    /// <summary>The caller's own token when it is the owner; otherwise a key issued to the owner for the arrangement.</summary>
    private async Task<string> OperatorTokenAsync(string owner, MatrixCaller caller) =>
        owner == caller.OrganisationId ? caller.Token : (await host.IssueKeyAsync(owner, "operator")).Token;

    private static string PublicKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}
