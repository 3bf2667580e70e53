using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Attestations;

public sealed class AttestationKeyEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task only_a_p256_subject_public_key_info_is_registered()
    {
        var token = (await host.OrganisationKeyAsync("op-keys-checks", OrganisationKind.Operator)).Token;
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);

        foreach (var pem in new[] { p384.ExportSubjectPublicKeyInfoPem(), rsa.ExportSubjectPublicKeyInfoPem(), p256.ExportECPrivateKeyPem(), p256.ExportPkcs8PrivateKeyPem(), "not a key", "" })
        {
            var response = await RegisterAsync(token, $"k-{Guid.NewGuid():N}", pem);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("invalid_public_key", await ApiFixture.ProblemCodeAsync(response));
        }
        var list = await host.GetJsonAsync(token, "/api/v1/attestation-keys");
        Assert.Equal(0, list.RootElement.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task a_key_is_registered_once_with_a_validity_that_ends_after_it_starts()
    {
        var token = (await host.OrganisationKeyAsync("op-keys-once", OrganisationKind.Operator)).Token;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportSubjectPublicKeyInfoPem();

        var backwards = await RegisterAsync(token, "k1", pem, validUntil: From.AddDays(-1));
        var badId = await RegisterAsync(token, "k 1/../x", pem);
        var created = await RegisterAsync(token, "k1", pem, validUntil: From.AddYears(1));
        var again = await RegisterAsync(token, "k1", pem);

        Assert.Equal("invalid_validity", await ApiFixture.ProblemCodeAsync(backwards));
        Assert.Equal("invalid_key_id", await ApiFixture.ProblemCodeAsync(badId));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(("op-keys-once", "k1", pem.Trim()), (body.GetProperty("organisationId").GetString(), body.GetProperty("keyId").GetString(), body.GetProperty("publicKeyPem").GetString()!.Trim()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("attestation_key_already_registered", await ApiFixture.ProblemCodeAsync(again));
    }

    [Fact]
    public async Task operators_list_their_own_keys_and_agencies_and_admins_anyones_a_page_at_a_time()
    {
        var mine = (await host.OrganisationKeyAsync("op-keys-list-a", OrganisationKind.Operator)).Token;
        var theirs = (await host.OrganisationKeyAsync("op-keys-list-b", OrganisationKind.Operator)).Token;
        var agency = (await host.OrganisationKeyAsync("bis-keys-list", OrganisationKind.Agency)).Token;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var id in new[] { "a1", "a2", "a3" })
        {
            Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(mine, id, key.ExportSubjectPublicKeyInfoPem())).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(theirs, "b1", key.ExportSubjectPublicKeyInfoPem())).StatusCode);

        Assert.Equal(["a1", "a2", "a3"], KeyIds(await host.GetJsonAsync(mine, "/api/v1/attestation-keys")));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Get, "/api/v1/attestation-keys?organisationId=op-keys-list-b", mine)).StatusCode);
        Assert.Equal(["b1"], KeyIds(await host.GetJsonAsync(agency, "/api/v1/attestation-keys?organisationId=op-keys-list-b")));
        Assert.Equal(["b1"], KeyIds(await host.GetJsonAsync(ApiFixture.AdminKey, "/api/v1/attestation-keys?organisationId=op-keys-list-b")));

        var walked = new List<string>();
        string? next = null;
        do
        {
            using var page = await host.GetJsonAsync(mine, $"/api/v1/attestation-keys?limit=2{(next is null ? "" : $"&after={next}")}");
            walked.AddRange(KeyIds(page));
            next = page.RootElement.GetProperty("next").GetString();
        }
        while (next is not null);
        Assert.Equal(["a1", "a2", "a3"], walked);
    }

    [Fact]
    public async Task retiring_ends_the_owners_key_and_another_operators_key_is_not_found()
    {
        var owner = (await host.OrganisationKeyAsync("op-keys-retire", OrganisationKind.Operator)).Token;
        var stranger = (await host.OrganisationKeyAsync("op-keys-retire-stranger", OrganisationKind.Operator)).Token;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(owner, "r1", key.ExportSubjectPublicKeyInfoPem())).StatusCode);
        var until = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var foreign = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys/r1/retire", stranger, new { validUntil = until });
        var beforeStart = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys/r1/retire", owner, new { validUntil = From.AddDays(-1) });
        var retired = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys/r1/retire", owner, new { validUntil = until });
        var later = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys/r1/retire", owner, new { validUntil = until.AddYears(1) });

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("attestation_key_not_found", await ApiFixture.ProblemCodeAsync(foreign));
        Assert.Equal("invalid_validity", await ApiFixture.ProblemCodeAsync(beforeStart));
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        using var list = await host.GetJsonAsync(owner, "/api/v1/attestation-keys");
        Assert.Equal(until, list.RootElement.GetProperty("keys")[0].GetProperty("validUntil").GetDateTimeOffset());
    }

    [Fact]
    public async Task nonces_are_issued_to_operators_only_each_one_different_and_ten_minutes_long()
    {
        var token = (await host.OrganisationKeyAsync("op-keys-nonce", OrganisationKind.Operator)).Token;
        var manufacturer = (await host.OrganisationKeyAsync("mfr-keys-nonce", OrganisationKind.Manufacturer)).Token;
        var before = DateTimeOffset.UtcNow;

        var first = await (await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-nonces", token)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var second = await (await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-nonces", token)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.NotEqual(first.GetProperty("nonce").GetString(), second.GetProperty("nonce").GetString());
        var expires = first.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, before.AddMinutes(10).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(10).AddSeconds(1));
        Assert.Equal(HttpStatusCode.Forbidden, (await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-nonces", manufacturer)).StatusCode);
    }

    private Task<HttpResponseMessage> RegisterAsync(string token, string keyId, string pem, DateTimeOffset? validUntil = null) =>
        host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys", token, new { keyId, publicKeyPem = pem, validFrom = From, validUntil });

    private static List<string> KeyIds(JsonDocument page) =>
        [.. page.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("keyId").GetString()!)];
}
