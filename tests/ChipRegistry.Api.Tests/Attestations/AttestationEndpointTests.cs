using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.Api.Tests.Attestations;

public sealed class AttestationEndpointTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly AttestationWorld world = new(host);

    [Fact]
    public async Task a_signed_attestation_over_a_fresh_nonce_is_recorded_valid_and_a_second_use_of_the_nonce_as_replayed()
    {
        var (token, chips) = await InstalledAsync("op-valid", "fac-valid", "c1", "valid:1", "valid:2");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var nonce = await NonceAsync(token);
        var at = SignedPayload.RecentSecond();
        var payload = SignedPayload.Chip(chips[0], "fac-valid", "rtt", "2.25", "landmark-1", nonce, at);

        var first = await AttestAsync(token, chips[0], Body("fac-valid", at, nonce, "k1", SignedPayload.Sign(key, payload), roundTripMs: 2.25m, landmarkId: "landmark-1"));
        var again = await AttestAsync(token, chips[0], Body("fac-valid", at, nonce, "k1", SignedPayload.Sign(key, payload), roundTripMs: 2.25m, landmarkId: "landmark-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("valid", await SignatureOfAsync(first));
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("replayed", await SignatureOfAsync(again));
        var recorded = await world.AttestationsAsync(chips[0]);
        Assert.Equal([SignatureResult.Valid, SignatureResult.Replayed], recorded.Select(a => a.Signature));
        Assert.All(recorded, a => Assert.Equal(("fac-valid", "rtt", 2.25m, "landmark-1", "op-valid", at), (a.FacilityId, a.Method, a.RoundTripMs, a.LandmarkId, a.RecordedBy, a.OccurredAt)));
    }

    [Fact]
    public async Task a_signature_over_other_fields_than_those_sent_is_invalid_and_leaves_the_nonce_unused()
    {
        var (token, chips) = await InstalledAsync("op-invalid", "fac-invalid", "c1", "invalid:1");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var nonce = await NonceAsync(token);
        var at = SignedPayload.RecentSecond();
        var signedFor = SignedPayload.Chip(chips[0], "fac-invalid", "rtt", "9", null, nonce, at);

        var tampered = await AttestAsync(token, chips[0], Body("fac-invalid", at, nonce, "k1", SignedPayload.Sign(key, signedFor), roundTripMs: 1m));
        var genuine = await AttestAsync(token, chips[0], Body("fac-invalid", at, nonce, "k1", SignedPayload.Sign(key, signedFor), roundTripMs: 9m));

        Assert.Equal("invalid", await SignatureOfAsync(tampered));
        Assert.Equal("valid", await SignatureOfAsync(genuine));
        Assert.Equal([SignatureResult.Invalid, SignatureResult.Valid], (await world.AttestationsAsync(chips[0])).Select(a => a.Signature));
    }

    [Fact]
    public async Task unsigned_unknown_key_foreign_key_and_retired_key_are_recorded_as_such()
    {
        var (token, chips) = await InstalledAsync("op-kinds", "fac-kinds", "c1", "kinds:1");
        var otherToken = await world.OperatorKeyAsync("op-kinds-other");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "mine", key.ExportSubjectPublicKeyInfoPem());
        await RegisterKeyAsync(otherToken, "theirs", foreign.ExportSubjectPublicKeyInfoPem());
        var at = SignedPayload.RecentSecond();

        async Task<string?> Signed(ECDsa signer, string keyId)
        {
            var nonce = await NonceAsync(token);
            var payload = SignedPayload.Chip(chips[0], "fac-kinds", "rtt", null, null, nonce, at);
            return await SignatureOfAsync(await AttestAsync(token, chips[0], Body("fac-kinds", at, nonce, keyId, SignedPayload.Sign(signer, payload))));
        }

        Assert.Equal("unsigned", await SignatureOfAsync(await AttestAsync(token, chips[0], Body("fac-kinds", at))));
        Assert.Equal("unknown_key", await Signed(key, "never-registered"));
        Assert.Equal("unknown_key", await Signed(foreign, "theirs"));
        Assert.Equal("valid", await Signed(key, "mine"));
        var retire = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys/mine/retire", token, new { });
        Assert.Equal(HttpStatusCode.OK, retire.StatusCode);
        Assert.Equal("unknown_key", await Signed(key, "mine"));
        Assert.Equal(
            [SignatureResult.Unsigned, SignatureResult.UnknownKey, SignatureResult.UnknownKey, SignatureResult.Valid, SignatureResult.UnknownKey],
            (await world.AttestationsAsync(chips[0])).Select(a => a.Signature));
    }

    [Fact]
    public async Task the_openssl_vector_verifies_through_the_endpoint_and_a_flipped_byte_does_not()
    {
        var vector = OpensslVector.Load();
        world.ArrangedFrom = Instant.FromUtc(2026, 11, 1, 0, 0); // installed before the vector's signed time
        var (token, _) = await InstalledAsync("op-vector", "fac-vector", "c1", "vector:0001");
        await RegisterKeyAsync(token, "vector-key", vector.PublicKeyPem);
        await world.PlantNonceAsync("vector-nonce-0001", "op-vector", SystemClock.Instance.GetCurrentInstant() + Duration.FromMinutes(10));
        var at = Instant.FromUtc(2026, 11, 20, 10, 0);
        var flipped = (byte[])vector.Signature.Clone();
        flipped[^1] ^= 0x01;

        var forged = await AttestAsync(token, "vector:0001", Body("fac-vector", at, "vector-nonce-0001", "vector-key", Convert.ToBase64String(flipped), roundTripMs: 1.5m, landmarkId: "landmark-atl-3"));
        var genuine = await AttestAsync(token, "vector:0001", Body("fac-vector", at, "vector-nonce-0001", "vector-key", Convert.ToBase64String(vector.Signature), roundTripMs: 1.5m, landmarkId: "landmark-atl-3"));

        Assert.Equal("invalid", await SignatureOfAsync(forged));
        Assert.Equal("valid", await SignatureOfAsync(genuine));
    }

    /// <summary>occurredAt is defaulted like every act's; a signed attestation states it, since its signed bytes carry it.</summary>
    [Fact]
    public async Task an_attestation_without_occurred_at_is_dated_now_unless_signed()
    {
        var (token, _) = await InstalledAsync("op-untimed", "fac-untimed", "c1", "untimed:1");

        var unsigned = await AttestAsync(token, "untimed:1", new { facilityId = "fac-untimed", method = "rtt" });
        var signed = await AttestAsync(token, "untimed:1", new { facilityId = "fac-untimed", method = "rtt", keyId = "k1", signature = "MEUCIQ==" });

        Assert.Equal("unsigned", await SignatureOfAsync(unsigned));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, signed.StatusCode);
        Assert.Equal("incomplete_signature", await ApiFixture.ProblemCodeAsync(signed));
    }

    [Fact]
    public async Task two_attestations_racing_on_one_nonce_give_exactly_one_valid_and_one_replayed()
    {
        var (token, chips) = await InstalledAsync("op-race", "fac-race", "c1", "race:1", "race:2");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        for (var round = 0; round < 5; round++)
        {
            var nonce = await NonceAsync(token);
            var at = SignedPayload.RecentSecond();
            var requests = chips.Select(chip => AttestAsync(token, chip,
                Body("fac-race", at, nonce, "k1", SignedPayload.Sign(key, SignedPayload.Chip(chip, "fac-race", "rtt", null, null, nonce, at)))));

            var results = await Task.WhenAll((await Task.WhenAll(requests)).Select(SignatureOfAsync));

            Assert.Equal(["replayed", "valid"], results.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task an_agency_requirement_refuses_unsigned_attestations_from_its_date_and_stores_them_as_unsigned_before()
    {
        var (token, chips) = await InstalledAsync("op-required", "fac-required", "c1", "required:1");
        var agency = await host.OrganisationKeyAsync("bis-required", OrganisationKind.Agency);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var at = SignedPayload.RecentSecond();

        var later = await host.SendAsync(HttpMethod.Post, "/api/v1/signing-requirements", agency.Token,
            new { organisationId = "op-required", from = DateTimeOffset.UtcNow.AddDays(30) });
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.Equal("unsigned", await SignatureOfAsync(await AttestAsync(token, chips[0], Body("fac-required", at))));

        var now = await host.SendAsync(HttpMethod.Post, "/api/v1/signing-requirements", agency.Token,
            new { organisationId = "op-required", from = DateTimeOffset.UtcNow.AddMinutes(-1) });
        Assert.Equal(HttpStatusCode.Created, now.StatusCode);
        var versionBefore = (await world.HistoryAsync(chips[0])).Count;
        var refused = await AttestAsync(token, chips[0], Body("fac-required", at));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("signature_required", await ApiFixture.ProblemCodeAsync(refused));
        Assert.Equal(versionBefore, (await world.HistoryAsync(chips[0])).Count);

        var nonce = await NonceAsync(token);
        var signed = await AttestAsync(token, chips[0], Body("fac-required", at, nonce, "k1", SignedPayload.Sign(key, SignedPayload.Chip(chips[0], "fac-required", "rtt", null, null, nonce, at))));
        Assert.Equal("valid", await SignatureOfAsync(signed));
        Assert.Equal([SignatureResult.Unsigned, SignatureResult.Valid], (await world.AttestationsAsync(chips[0])).Select(a => a.Signature));
    }

    [Fact]
    public async Task a_signing_requirement_names_a_registered_operator_and_only_agencies_and_admins_set_one()
    {
        var agency = await host.OrganisationKeyAsync("bis-requirement-checks", OrganisationKind.Agency);
        var operatorToken = await world.OperatorKeyAsync("op-requirement-checks");
        await host.RegisterOrganisationAsync("dist-requirement-checks", OrganisationKind.Distributor);

        var unknown = await host.SendAsync(HttpMethod.Post, "/api/v1/signing-requirements", agency.Token, new { organisationId = "nobody-at-all", from = DateTimeOffset.UtcNow });
        var distributor = await host.SendAsync(HttpMethod.Post, "/api/v1/signing-requirements", agency.Token, new { organisationId = "dist-requirement-checks", from = DateTimeOffset.UtcNow });
        var byOperator = await host.SendAsync(HttpMethod.Post, "/api/v1/signing-requirements", operatorToken, new { organisationId = "op-requirement-checks", from = DateTimeOffset.UtcNow });

        Assert.Equal("not_an_operator", await ApiFixture.ProblemCodeAsync(unknown));
        Assert.Equal("not_an_operator", await ApiFixture.ProblemCodeAsync(distributor));
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);
    }

    [Fact]
    public async Task a_cluster_attestation_appends_one_event_per_installed_chip_in_one_append_under_one_signature()
    {
        var (token, chips) = await InstalledAsync("op-cluster", "fac-cluster", "hall-a", "cluster:3", "cluster:1", "cluster:2");
        await world.FacilityClusterAsync("fac-cluster", "hall-b");
        await world.InstallAsync("fac-cluster", "hall-b", "cluster:other");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var nonce = await NonceAsync(token);
        var at = SignedPayload.RecentSecond();
        var payload = SignedPayload.Cluster("fac-cluster", "hall-a", chips, "rtt", "3.5", null, nonce, at);
        var versions = new Dictionary<string, int>();
        foreach (var chip in chips.Append("cluster:other"))
        {
            versions[chip] = (await world.HistoryAsync(chip)).Count;
        }

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster/clusters/hall-a/attestations", token,
            new { method = "rtt", roundTripMs = 3.5m, occurredAt = at.ToDateTimeOffset(), nonce, keyId = "k1", signature = SignedPayload.Sign(key, payload) });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("valid", body.RootElement.GetProperty("signature").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("chipCount").GetInt32());
        var appended = new List<ChipRegistry.EventStore.StoredEvent>();
        foreach (var chip in chips)
        {
            var history = await world.HistoryAsync(chip);
            Assert.Equal(versions[chip] + 1, history.Count);
            appended.Add(history[^1]);
            Assert.Equal(SignatureResult.Valid, Assert.IsType<ChipRegistry.Domain.Chips.ChipLocationAttested>(history[^1].Data).Signature);
        }
        Assert.Equal(versions["cluster:other"], (await world.HistoryAsync("cluster:other")).Count);
        // One multi-stream append: one correlation id and consecutive sequence numbers.
        Assert.Single(appended.Select(e => e.CorrelationId).Distinct());
        var seqIds = appended.Select(e => e.SeqId).Order().ToList();
        Assert.Equal(seqIds[0] + 2, seqIds[^1]);

        var replay = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster/clusters/hall-a/attestations", token,
            new { method = "rtt", roundTripMs = 3.5m, occurredAt = at.ToDateTimeOffset(), nonce, keyId = "k1", signature = SignedPayload.Sign(key, payload) });
        Assert.Equal("replayed", await SignatureOfAsync(replay));
    }

    [Fact]
    public async Task a_cluster_signature_over_another_chip_list_is_invalid()
    {
        var (token, chips) = await InstalledAsync("op-cluster-list", "fac-cluster-list", "hall-a", "clist:1", "clist:2");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var nonce = await NonceAsync(token);
        var at = SignedPayload.RecentSecond();
        var payload = SignedPayload.Cluster("fac-cluster-list", "hall-a", [chips[0]], "rtt", null, null, nonce, at);

        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster-list/clusters/hall-a/attestations", token,
            new { method = "rtt", occurredAt = at.ToDateTimeOffset(), nonce, keyId = "k1", signature = SignedPayload.Sign(key, payload) });

        Assert.Equal("invalid", await SignatureOfAsync(response));
    }

    [Fact]
    public async Task another_operators_facility_or_cluster_answers_404_and_an_empty_cluster_422()
    {
        var (token, _) = await InstalledAsync("op-cluster-own", "fac-cluster-own", "hall-a", "cown:1");
        await world.FacilityClusterAsync("fac-cluster-own", "hall-empty");
        await world.FacilityAsync("op-cluster-foreign", "fac-cluster-foreign", "hall-a");
        await world.InstallAsync("fac-cluster-foreign", "hall-a", "cforeign:1");
        var body = new { method = "rtt", occurredAt = SignedPayload.RecentSecond().ToDateTimeOffset() };

        var foreign = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster-foreign/clusters/hall-a/attestations", token, body);
        var unknown = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-nowhere/clusters/hall-a/attestations", token, body);
        var noCluster = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster-own/clusters/hall-z/attestations", token, body);
        var empty = await host.SendAsync(HttpMethod.Post, "/api/v1/facilities/fac-cluster-own/clusters/hall-empty/attestations", token, body);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("facility_not_found", await ApiFixture.ProblemCodeAsync(foreign));
        Assert.Equal("facility_not_found", await ApiFixture.ProblemCodeAsync(unknown));
        Assert.Equal("cluster_not_found", await ApiFixture.ProblemCodeAsync(noCluster));
        Assert.Equal("cluster_empty", await ApiFixture.ProblemCodeAsync(empty));
        Assert.Empty(await world.AttestationsAsync("cforeign:1"));
    }

    [Fact]
    public async Task a_chip_the_caller_cannot_see_answers_exactly_as_an_unknown_serial()
    {
        var token = await world.OperatorKeyAsync("op-stranger");
        await InstalledAsync("op-owner", "fac-owner", "c1", "hidden:1");
        var body = Body("fac-owner", SignedPayload.RecentSecond());

        var hidden = await AttestAsync(token, "hidden:1", body);
        var unknown = await AttestAsync(token, "never:registered", body);

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), await hidden.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(unknown.Content.Headers.ContentType, hidden.Content.Headers.ContentType);
        Assert.Empty(await world.AttestationsAsync("hidden:1"));
    }

    [Fact]
    public async Task a_former_custodian_that_sees_the_chip_but_did_not_install_it_gets_409_not_facility_operator()
    {
        var formerToken = await world.OperatorKeyAsync("op-former");
        await world.ReceivedAsync("handed:1", "op-former");
        var notYet = await AttestAsync(formerToken, "handed:1", Body("fac-new-home", SignedPayload.RecentSecond()));
        await world.FacilityAsync("op-new-home", "fac-new-home", "c1");
        await world.HandOnAndInstallAsync("handed:1", "op-former", "fac-new-home", "c1");

        var refused = await AttestAsync(formerToken, "handed:1", Body("fac-new-home", SignedPayload.RecentSecond()));

        Assert.Equal(HttpStatusCode.Conflict, notYet.StatusCode);
        Assert.Equal("chip_not_installed", await ApiFixture.ProblemCodeAsync(notYet));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("not_facility_operator", await ApiFixture.ProblemCodeAsync(refused));
        Assert.Empty(await world.AttestationsAsync("handed:1"));
    }

    [Theory]
    [InlineData(true, null, null, null, 0, "chip_not_at_facility")]
    [InlineData(false, "k1", null, null, 0, "incomplete_signature")]
    [InlineData(false, "k1", "not base64!", null, 0, "invalid_signature_encoding")]
    [InlineData(false, null, null, null, 3650, "business_time_out_of_range")]
    [InlineData(false, null, null, null, -1, "business_time_out_of_range")]
    [InlineData(false, null, null, "", 0, "invalid_method")]
    public async Task bad_attestations_get_their_problem_code_and_append_nothing(bool otherFacility, string? keyId, string? signature, string? method, int daysAgo, string code)
    {
        var facility = $"fac-bad-{code}-{daysAgo}";
        var (token, chips) = await InstalledAsync($"op-bad-{code}-{daysAgo}", facility, "c1", $"bad:{code}.{daysAgo}");
        var at = daysAgo >= 0 ? SignedPayload.RecentSecond() - Duration.FromDays(daysAgo * 4) : SignedPayload.RecentSecond() + Duration.FromHours(1);
        var before = (await world.HistoryAsync(chips[0])).Count;

        var response = await AttestAsync(token, chips[0], new { facilityId = otherFacility ? "fac-elsewhere" : facility, method = method ?? "rtt", occurredAt = at.ToDateTimeOffset(), keyId, signature });

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"got {(int)response.StatusCode}");
        Assert.Equal(code, await ApiFixture.ProblemCodeAsync(response));
        Assert.Equal(before, (await world.HistoryAsync(chips[0])).Count);
    }

    [Fact]
    public async Task a_retry_under_the_same_idempotency_key_replays_the_first_answer_and_neither_appends_nor_replays_the_nonce()
    {
        var (token, chips) = await InstalledAsync("op-idempotent", "fac-idempotent", "c1", "idem:1");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await RegisterKeyAsync(token, "k1", key.ExportSubjectPublicKeyInfoPem());
        var nonce = await NonceAsync(token);
        var at = SignedPayload.RecentSecond();
        var body = Body("fac-idempotent", at, nonce, "k1", SignedPayload.Sign(key, SignedPayload.Chip(chips[0], "fac-idempotent", "rtt", null, null, nonce, at)));
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "attest-idem-1" };

        var first = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chips[0]}/attestations", token, body, headers);
        var retry = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chips[0]}/attestations", token, body, headers);
        var other = await host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chips[0]}/attestations", token, Body("fac-idempotent", at), headers);

        Assert.Equal("valid", await SignatureOfAsync(first));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await retry.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("idempotency_key_reused", await ApiFixture.ProblemCodeAsync(other));
        Assert.Equal([SignatureResult.Valid], (await world.AttestationsAsync(chips[0])).Select(a => a.Signature));
    }

    [Fact]
    public async Task unknown_fields_and_wrong_types_are_400()
    {
        var (token, chips) = await InstalledAsync("op-strict", "fac-strict", "c1", "strict:1");

        var unknown = await AttestAsync(token, chips[0], new { facilityId = "fac-strict", method = "rtt", occurredAt = DateTimeOffset.UtcNow, signedBy = "me" });
        var wrongType = await AttestAsync(token, chips[0], new { facilityId = "fac-strict", method = "rtt", occurredAt = DateTimeOffset.UtcNow, roundTripMs = "fast" });

        Assert.Equal("unknown_field", await ApiFixture.ProblemCodeAsync(unknown));
        Assert.Equal("wrong_type", await ApiFixture.ProblemCodeAsync(wrongType));
        Assert.Empty(await world.AttestationsAsync(chips[0]));
    }

    private async Task<(string Token, string[] Chips)> InstalledAsync(string operatorId, string facilityId, string clusterId, params string[] chipIds)
    {
        var token = await world.OperatorKeyAsync(operatorId);
        await world.FacilityAsync(operatorId, facilityId, clusterId);
        await world.InstallAsync(facilityId, clusterId, chipIds);
        return (token, chipIds);
    }

    private async Task RegisterKeyAsync(string token, string keyId, string pem)
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-keys", token,
            new { keyId, publicKeyPem = pem, validFrom = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<string> NonceAsync(string token)
    {
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/attestation-nonces", token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("nonce").GetString()!;
    }

    private Task<HttpResponseMessage> AttestAsync(string token, string chipId, object body) =>
        host.SendAsync(HttpMethod.Post, $"/api/v1/chips/{chipId}/attestations", token, body);

    private static object Body(string facilityId, Instant at, string? nonce = null, string? keyId = null, string? signature = null, decimal? roundTripMs = null, string? landmarkId = null) =>
        new { facilityId, method = "rtt", occurredAt = at.ToDateTimeOffset(), roundTripMs, landmarkId, nonce, keyId, signature };

    /// <summary>The recorded signature result of a 201, or the problem's code otherwise.</summary>
    internal static async Task<string?> SignatureOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("signature").GetString();
    }
}
