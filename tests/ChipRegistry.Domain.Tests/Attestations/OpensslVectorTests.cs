using ChipRegistry.Domain.Attestations;
using NodaTime;

namespace ChipRegistry.Domain.Tests.Attestations;

/// <summary>The committed vector in tests/vectors/attestation (made with the openssl command line) against the verifier.</summary>
public sealed class OpensslVectorTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 20, 10, 1);

    [Fact]
    public void the_openssl_signature_over_the_committed_canonical_payload_is_valid()
    {
        var vector = OpensslVector.Load();

        Assert.Equal(SignatureResult.Valid, Verify(vector, vector.Payload, vector.Signature));
    }

    [Fact]
    public void the_committed_payload_is_already_canonical()
    {
        var vector = OpensslVector.Load();

        Assert.Equal(vector.Payload, CanonicalJson.Serialize(System.Text.Encoding.UTF8.GetString(vector.Payload)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(-1)]
    public void a_flipped_byte_in_the_signature_makes_it_invalid(int index)
    {
        var vector = OpensslVector.Load();
        var flipped = (byte[])vector.Signature.Clone();
        flipped[index < 0 ? flipped.Length + index : index] ^= 0x01;

        Assert.Equal(SignatureResult.Invalid, Verify(vector, vector.Payload, flipped));
    }

    [Fact]
    public void a_flipped_byte_in_the_payload_makes_it_invalid()
    {
        var vector = OpensslVector.Load();
        var flipped = (byte[])vector.Payload.Clone();
        flipped[flipped.Length / 2] ^= 0x01;

        Assert.Equal(SignatureResult.Invalid, Verify(vector, flipped, vector.Signature));
    }

    private static SignatureResult Verify(OpensslVector vector, byte[] payload, byte[] signature) =>
        AttestationSignatureVerifier.Verify(payload, new SignedAttestation("vector-key", signature), "op-vector",
            [new AttestationKey("vector-key", "op-vector", vector.PublicKeyPem, Instant.FromUtc(2026, 1, 1, 0, 0), null)], nonceAlreadyUsed: false, Now);
}

/// <summary>The files of tests/vectors/attestation, found by walking up to the repository root.</summary>
internal sealed record OpensslVector(string PublicKeyPem, byte[] Payload, byte[] Signature)
{
    public static OpensslVector Load()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var folder = Path.Combine(directory.FullName, "tests", "vectors", "attestation");
            if (File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln")) && Directory.Exists(folder))
            {
                return new OpensslVector(
                    File.ReadAllText(Path.Combine(folder, "public.pem")),
                    File.ReadAllBytes(Path.Combine(folder, "payload.json")),
                    Convert.FromBase64String(File.ReadAllText(Path.Combine(folder, "signature.b64")).Trim()));
            }
        }
        throw new DirectoryNotFoundException($"tests/vectors/attestation not found above {AppContext.BaseDirectory}");
    }
}
