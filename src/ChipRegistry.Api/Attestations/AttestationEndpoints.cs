using System.Text.Json;
using ChipRegistry.Api.Attestations.Chips;
using ChipRegistry.Api.Attestations.Clusters;
using ChipRegistry.Api.Attestations.Keys;
using ChipRegistry.Api.Attestations.Nonces;
using ChipRegistry.Api.Attestations.SigningRequirements;
using ChipRegistry.Api.Keys;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Attestations;

/// <summary>
/// Signed location attestations: operators' signing keys, agencies' signing requirements, registry nonces, and
/// the attestations themselves (one chip, or every chip installed in a cluster in one multi-stream append).
/// One file per use case, in the folder of what it acts on.
/// </summary>
public static class AttestationEndpoints
{
    public const string OperatorPolicy = "attestation_operator";
    public const string KeyReaderPolicy = "attestation_key_reader";
    public const string RequirementPolicy = "signing_requirement_writer";

    public static WebApplicationBuilder AddAttestations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AttestationOptions>().Bind(builder.Configuration.GetSection(AttestationOptions.Section));
        builder.Services.AddSingleton<AttestationKeyStore>();
        builder.Services.AddSingleton<AttestationNonces>();
        builder.Services.AddSingleton<AttestationSigning>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Operator)))
            .AddPolicy(KeyReaderPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Operator), Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole))
            .AddPolicy(RequirementPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole));
        return builder;
    }

    public static IEndpointRouteBuilder MapAttestationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1").WithTags("Attestations");
        RegisterAttestationKey.Map(group);
        ListAttestationKeys.Map(group);
        RetireAttestationKey.Map(group);
        SetSigningRequirement.Map(group);
        IssueNonce.Map(group);
        AttestChip.Map(group);
        AttestCluster.Map(group);
        return endpoints;
    }

    /// <summary>A signature's result as responses and events name it (<c>unknown_key</c>).</summary>
    public static string NameOf(SignatureResult result) => JsonNamingPolicy.SnakeCaseLower.ConvertName(result.ToString());
}
