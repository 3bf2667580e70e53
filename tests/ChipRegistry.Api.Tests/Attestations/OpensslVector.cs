namespace ChipRegistry.Api.Tests.Attestations;

/// <summary>The committed vector of tests/vectors/attestation, made with the openssl command line (see its README).</summary>
internal sealed record OpensslVector(string PublicKeyPem, byte[] Payload, byte[] Signature)
{
    public static OpensslVector Load()
    {
        var folder = Path.GetDirectoryName(Hosting.ComposeService.RepositoryFile(Path.Combine("tests", "vectors", "attestation", "payload.json")))!;
        return new OpensslVector(
            File.ReadAllText(Path.Combine(folder, "public.pem")),
            File.ReadAllBytes(Path.Combine(folder, "payload.json")),
            Convert.FromBase64String(File.ReadAllText(Path.Combine(folder, "signature.b64")).Trim()));
    }
}
