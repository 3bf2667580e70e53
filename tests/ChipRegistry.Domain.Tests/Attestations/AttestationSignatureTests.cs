using System.Text;
using ChipRegistry.Domain.Attestations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Attestations;

public sealed class AttestationSignatureTests
{
    // Made with OpenSSL 3.0 outside the code under test:
    //   openssl ecparam -name prime256v1 -genkey -noout -out key.pem
    //   openssl ec -in key.pem -pubout -out pub.pem
    //   printf '%s' '<CanonicalPayload>' > payload.json
    //   openssl dgst -sha256 -sign key.pem -out sig.der payload.json && base64 -w0 sig.der
    private const string PublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHkHP3o0620oz9iqH1aOT2NIgTyYS
        JCOD0TdbRYn0EhTjcipPmrib0j+iuZRb37Opw1YYj90EobDk5bRyiyCUEg==
        -----END PUBLIC KEY-----
        """;
    private const string CanonicalPayload = """{"chipId":"nvidia:1652223004561","facilityId":"fac-001","method":"rtt","nonce":"n-7f3a","observedAt":"2026-11-20T10:00:00Z","rttMs":1.5}""";
    private const string OpensslSignature = "MEUCIQC7GCI9AE3lsC/TvDLIy3YSoscNL2ppYlruu2OnMBpUjwIgTbQ3+WQgC7pEFlzPYFS1O6C8xPbKXhTCMYXJ18B0qKo=";
    private const string P384PublicKeyPem = """
        -----BEGIN PUBLIC KEY-----
        MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEf+dOHkNm81zI5uzpN9FCywl3+t9aCl6R
        26CjdsGbtB9XMOJuMgdctL+toKEhLOWmpb4expHSOA5Ni4SH3V5X/H9EX4mqLpH1
        9nJlirLSKLx1/aPevAbmygRPJ+7HXF9n
        -----END PUBLIC KEY-----
        """;

    private static readonly Instant Now = Instant.FromUtc(2026, 11, 20, 10, 0, 5);
    private static readonly AttestationKey Key = new("key-1", "operator-1", PublicKeyPem, Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0));

    // The operator's JSON as it might arrive: other key order, whitespace, number spelling.
    private const string ReceivedJson = """
        { "rttMs": 1.50, "observedAt": "2026-11-20T10:00:00Z", "nonce": "n-7f3a",
          "method": "rtt", "facilityId": "fac-001", "chipId": "nvidia:1652223004561" }
        """;

    [Fact]
    public void received_json_canonicalizes_to_the_bytes_openssl_signed()
    {
        Assert.Equal(CanonicalPayload, Encoding.UTF8.GetString(CanonicalJson.Serialize(ReceivedJson)));
    }

    [Fact]
    public void an_openssl_der_signature_over_the_canonical_bytes_is_valid()
    {
        var result = Verify(CanonicalJson.Serialize(ReceivedJson), new SignedAttestation("key-1", Convert.FromBase64String(OpensslSignature)));

        Assert.Equal(SignatureResult.Valid, result);
    }

    [Fact]
    public void a_changed_payload_makes_the_signature_invalid()
    {
        var tampered = CanonicalJson.Serialize(ReceivedJson.Replace("fac-001", "fac-002", StringComparison.Ordinal));

        Assert.Equal(SignatureResult.Invalid, Verify(tampered, new SignedAttestation("key-1", Convert.FromBase64String(OpensslSignature))));
    }

    [Fact]
    public void a_genuine_signature_over_a_used_nonce_is_a_replay()
    {
        var result = AttestationSignatureVerifier.Verify(
            Encoding.UTF8.GetBytes(CanonicalPayload), new SignedAttestation("key-1", Convert.FromBase64String(OpensslSignature)),
            "operator-1", [Key], nonceAlreadyUsed: true, Now);

        Assert.Equal(SignatureResult.Replayed, result);
    }

    [Fact]
    public void missing_signature_is_unsigned_and_unknown_or_expired_or_foreign_keys_are_unknown()
    {
        var payload = Encoding.UTF8.GetBytes(CanonicalPayload);
        var signature = Convert.FromBase64String(OpensslSignature);

        Assert.Equal(SignatureResult.Unsigned, Verify(payload, new SignedAttestation(null, null)));
        Assert.Equal(SignatureResult.UnknownKey, Verify(payload, new SignedAttestation("key-2", signature)));
        Assert.Equal(SignatureResult.UnknownKey, AttestationSignatureVerifier.Verify(payload, new SignedAttestation("key-1", signature), "operator-1", [Key], false, Instant.FromUtc(2027, 6, 1, 0, 0)));
        Assert.Equal(SignatureResult.UnknownKey, AttestationSignatureVerifier.Verify(payload, new SignedAttestation("key-1", signature), "operator-2", [Key], false, Now));
    }

    [Fact]
    public void only_p256_public_keys_are_accepted_for_registration()
    {
        Assert.True(AttestationSignatureVerifier.IsP256PublicKey(PublicKeyPem));
        Assert.False(AttestationSignatureVerifier.IsP256PublicKey(P384PublicKeyPem));
        Assert.False(AttestationSignatureVerifier.IsP256PublicKey("not a key"));
    }

    private static SignatureResult Verify(byte[] payload, SignedAttestation signature) =>
        AttestationSignatureVerifier.Verify(payload, signature, "operator-1", [Key], nonceAlreadyUsed: false, Now);
}
