using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Attestations;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Attestations;

/// <summary>
/// Signed location attestations: operators' signing keys, agencies' signing requirements, registry nonces, and
/// the attestations themselves (one chip, or every chip installed in a cluster in one multi-stream append).
/// </summary>
public static class AttestationEndpoints
{
    public const string OperatorPolicy = "attestation_operator";
    public const string KeyReaderPolicy = "attestation_key_reader";
    public const string RequirementPolicy = "signing_requirement_writer";

    /// <summary>A cluster attestation is one transaction; beyond this many chips the operator attests in parts, chip by chip.</summary>
    public const int MaxClusterChips = 10_000;

    private const int MaxPage = 200;
    private const int MaxIdLength = 200;
    private const int MaxPemLength = 4096;
    private const decimal MaxRoundTripMs = 60_000m;

    private static readonly JsonSerializerOptions Json = CommandRequests.Strict();

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
        MapKeys(group);
        MapRequirementsAndNonces(group);
        MapAttestations(group);
        return endpoints;
    }

    // ---- keys --------------------------------------------------------------------------------------------------

    private static void MapKeys(RouteGroupBuilder group)
    {
        group.MapPost("/attestation-keys", async Task<Created<AttestationKeyResponse>> (
            HttpContext context, AttestationKeyStore keys, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<RegisterAttestationKeyRequest>(context.Request, Json, cancellationToken);
            var organisationId = context.User.OrganisationId();
            if (!IsKeyId(body.KeyId))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_key_id", "The key id is not usable.", "1 to 100 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'.");
            }
            var pem = PublicKeyPem(body.PublicKeyPem);
            var validFrom = body.ValidFrom.ToInstant();
            var validUntil = body.ValidUntil?.ToInstant();
            if (validUntil <= validFrom)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_validity", "A key's validity must end after it starts.", "validUntil must be later than validFrom.");
            }
            if (await keys.FindAsync(organisationId, body.KeyId, cancellationToken) is not null)
            {
                throw new ApiProblemException(StatusCodes.Status409Conflict, "attestation_key_already_registered", "This organisation already has a key with this id.", "Key ids are never reused; choose a new one.");
            }
            var registered = new AttestationKeyRegistered(organisationId, body.KeyId, pem, validFrom, validUntil, organisationId);
            await keys.RegisterAsync(registered, AppendMetadataOf(context), cancellationToken);
            return TypedResults.Created((string?)null, new AttestationKeyResponse(
                organisationId, body.KeyId, pem, validFrom, validUntil, organisationId, PostgresTime.Truncate(clock.GetCurrentInstant())));
        }).RequireAuthorization(OperatorPolicy).Accepts<RegisterAttestationKeyRequest>("application/json").WithName("RegisterAttestationKey")
            .WithSummary("Register an ECDSA P-256 public key (SubjectPublicKeyInfo PEM) that may sign the caller's location attestations during its validity period.")
            .WithRequestExample(new RegisterAttestationKeyRequest("memphis-2026", ExamplePem, ExampleTime(2026, 11, 1, 0, 0), ExampleTime(2027, 11, 1, 0, 0)))
            .WithResponseExample(StatusCodes.Status201Created, ExampleKey)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

        group.MapGet("/attestation-keys", async (string? organisationId, string? after, int? limit, HttpContext context, AttestationKeyStore keys, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, 50, MaxPage, Paging.InvalidPage);
            var caller = context.User.OrganisationId();
            if (!context.User.ReadsEverything() && organisationId is not null && organisationId != caller)
            {
                throw new ApiProblemException(StatusCodes.Status403Forbidden, "forbidden", "An operator lists only its own keys.");
            }
            var owner = context.User.ReadsEverything() ? organisationId : caller;
            var page = await keys.ListAsync(owner, null, DecodeCursor(after), size + 1, cancellationToken);
            var shown = page.Take(size).ToList();
            return TypedResults.Ok(new AttestationKeyPage(shown, page.Count > size ? EncodeCursor(shown[^1]) : null));
        }).RequireAuthorization(KeyReaderPolicy).WithName("ListAttestationKeys")
            .WithSummary("The caller's attestation keys (agencies and administrators: every operator's, or one organisation's), a page at a time.")
            .WithResponseExample(StatusCodes.Status200OK, new AttestationKeyPage([ExampleKey], null))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        group.MapPost("/attestation-keys/{keyId}/retire", async Task<Ok<AttestationKeyResponse>> (
            string keyId, HttpContext context, AttestationKeyStore keys, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<RetireAttestationKeyRequest>(context.Request, Json, cancellationToken);
            var organisationId = context.User.OrganisationId();
            // Another operator's key answers exactly as an unknown one.
            var key = await keys.FindAsync(organisationId, keyId, cancellationToken)
                ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "attestation_key_not_found", "No such attestation key.");
            var until = body.ValidUntil is { } requested ? requested.ToInstant() : clock.GetCurrentInstant();
            if (until <= key.ValidFrom)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_validity", "A key's validity must end after it starts.", "validUntil must be later than the key's validFrom.");
            }
            // Retiring only ever shortens a key's validity; a later date than the current end changes nothing.
            if (key.ValidUntil is { } current && current <= until)
            {
                return TypedResults.Ok(key);
            }
            await keys.RetireAsync(new AttestationKeyRetired(organisationId, keyId, until, organisationId), AppendMetadataOf(context), cancellationToken);
            return TypedResults.Ok(key with { ValidUntil = PostgresTime.Truncate(until) });
        }).RequireAuthorization(OperatorPolicy).Accepts<RetireAttestationKeyRequest>("application/json").WithName("RetireAttestationKey")
            .WithSummary("End one of the caller's keys' validity (now, or at validUntil); signatures by it after that are unknown_key.")
            .WithRequestExample(new RetireAttestationKeyRequest(ExampleTime(2026, 11, 21, 0, 0)))
            .WithResponseExample(StatusCodes.Status200OK, ExampleKey with { ValidUntil = Instant.FromUtc(2026, 11, 21, 0, 0) })
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
    }

    // ---- signing requirements and nonces -----------------------------------------------------------------------

    private static void MapRequirementsAndNonces(RouteGroupBuilder group)
    {
        group.MapPost("/signing-requirements", async Task<Created<SigningRequirementResponse>> (
            HttpContext context, AttestationKeyStore keys, RegistryReads reads, IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<SigningRequirementRequest>(context.Request, Json, cancellationToken);
            if (!IsId(body.OrganisationId))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_organisation", $"The organisation id must be 1 to {MaxIdLength} characters.");
            }
            var organisation = (await reads.LoadOrganisationAsync(body.OrganisationId, cancellationToken)).State;
            if (organisation is null || organisation.Kind != OrganisationKind.Operator)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "not_an_operator", "Only a registered operator can be required to sign.", $"{body.OrganisationId} is not a registered operator.");
            }
            var from = body.From.ToInstant();
            if (from < Instant.FromDateTimeOffset(businessTime.Value.Earliest))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "business_time_out_of_range", "A business time is out of range.", $"from must not precede {RegistryTime.Format(Instant.FromDateTimeOffset(businessTime.Value.Earliest))}.");
            }
            var requiredBy = context.User.OrganisationId();
            await keys.RequireSigningAsync(new SigningRequired(body.OrganisationId, from, requiredBy), AppendMetadataOf(context), cancellationToken);
            return TypedResults.Created((string?)null, new SigningRequirementResponse(body.OrganisationId, PostgresTime.Truncate(from), requiredBy));
        }).RequireAuthorization(RequirementPolicy).Accepts<SigningRequirementRequest>("application/json").WithName("RequireSigning")
            .WithSummary("Require an operator to sign every attestation it submits from a date on; its unsigned attestations are then refused (422 signature_required). A later requirement replaces an earlier one.")
            .WithRequestExample(new SigningRequirementRequest("op-colossus", ExampleTime(2026, 12, 1, 0, 0)))
            .WithResponseExample(StatusCodes.Status201Created, new SigningRequirementResponse("op-colossus", Instant.FromUtc(2026, 12, 1, 0, 0), "bis"))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

        group.MapPost("/attestation-nonces", async Task<Created<NonceResponse>> (HttpContext context, AttestationNonces nonces, CancellationToken cancellationToken) =>
        {
            var (nonce, expiresAt) = await nonces.IssueAsync(context.User.OrganisationId(), cancellationToken);
            return TypedResults.Created((string?)null, new NonceResponse(nonce, expiresAt));
        }).RequireAuthorization(OperatorPolicy).WithName("IssueAttestationNonce")
            .WithSummary("A single-use nonce for the caller's next signed attestation, valid for 10 minutes.")
            .WithResponseExample(StatusCodes.Status201Created, new NonceResponse("Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", Instant.FromUtc(2026, 11, 20, 10, 10)))
            .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
    }

    // ---- attestations ------------------------------------------------------------------------------------------

    private static void MapAttestations(RouteGroupBuilder group)
    {
        group.MapPost("/chips/{chipId}/attestations", async Task<Created<ChipAttestationResponse>> (
            string chipId, HttpContext context, RegistryReads reads, RegistryCommands commands, AttestationSigning signing, IClock clock,
            IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<ChipAttestationRequest>(context.Request, Json, cancellationToken);
            var actor = context.User.Actor();
            var now = clock.GetCurrentInstant();
            RequireId(body.FacilityId, "facilityId");
            var fields = Validate(body.Method, body.RoundTripMs, body.LandmarkId, body.OccurredAt, now, businessTime.Value);
            var input = SignatureInput(body.Nonce, body.KeyId, body.Signature);
            var expectedVersion = IfMatch(context.Request);

            var state = await VisibleChipAsync(reads, chipId, actor, cancellationToken);
            if (state.Stage != ChipStage.Installed || state.Installation!.OperatorId != actor.OrganisationId)
            {
                throw state.Stage != ChipStage.Installed && state.CustodianId == actor.OrganisationId
                    ? DomainProblems.ToProblem(new DomainError(ChipErrors.ChipNotInstalled, "only an installed chip's location is attested"))
                    : DomainProblems.ToProblem(new DomainError(ChipErrors.NotFacilityOperator, "only the operator of the facility the chip is installed in attests its location"));
            }
            // An attestation somewhere else is a third party's kind of report (an observation), never this endpoint's.
            if (state.Installation.FacilityId != body.FacilityId)
            {
                throw new ApiProblemException(StatusCodes.Status409Conflict, "chip_not_at_facility", "The chip is not installed at this facility.", $"The registry has it installed at {state.Installation.FacilityId}.");
            }

            var eventId = Guid.NewGuid();
            var payload = AttestationPayload.ForChip(chipId, body.FacilityId, fields.Method, body.RoundTripMs, body.LandmarkId, body.Nonce, fields.OccurredAt);
            var signature = await signing.DecideAsync(actor.OrganisationId, payload, input, eventId, now, cancellationToken);
            var command = new AttestChipLocation(eventId, chipId, body.FacilityId, fields.Method, body.RoundTripMs, body.LandmarkId, signature, actor, fields.OccurredAt);
            var result = await RecordAsync(signing, signature, input, eventId,
                () => commands.HandleAsync(command, CommandMetadataOf(context) with { ExpectedVersion = expectedVersion }, cancellationToken));
            var version = result.VersionOf(StreamKeys.Chip(chipId));
            context.Response.Headers.ETag = $"\"{version}\"";
            return TypedResults.Created((string?)null, new ChipAttestationResponse(chipId, eventId, body.FacilityId, NameOf(signature), version));
        }).RequireAuthorization(OperatorPolicy).Accepts<ChipAttestationRequest>("application/json").WithName("AttestChipLocation")
            .WithSummary("The installing operator attests an installed chip's location, optionally signed; the signature's result (valid, invalid, unsigned, unknown_key, replayed) is recorded in the event and returned.")
            .WithRequestExample(new ChipAttestationRequest("fac-memphis-1", "rtt", ExampleTime(2026, 11, 20, 10, 0), 1.5m, "landmark-atl-3",
                "Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", "memphis-2026", "MEUCIQC7GCI9AE3lsC/TvDLIy3YSoscNL2ppYlruu2OnMBpUjwIgTbQ3+WQgC7pEFlzPYFS1O6C8xPbKXhTCMYXJ18B0qKo="))
            .WithResponseExample(StatusCodes.Status201Created, new ChipAttestationResponse("nvidia:1652223004561", Guid.Parse("0b8e3f4e-6c55-4d6f-9a43-2f1f8b7d9c10"), "fac-memphis-1", "valid", 9))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

        group.MapPost("/facilities/{facilityId}/clusters/{clusterId}/attestations", async Task<Created<ClusterAttestationResponse>> (
            string facilityId, string clusterId, HttpContext context, RegistryReads reads, RegistryCommands commands, AttestationSigning signing, IClock clock,
            IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<ClusterAttestationRequest>(context.Request, Json, cancellationToken);
            var actor = context.User.Actor();
            var now = clock.GetCurrentInstant();
            var fields = Validate(body.Method, body.RoundTripMs, body.LandmarkId, body.OccurredAt, now, businessTime.Value);
            var input = SignatureInput(body.Nonce, body.KeyId, body.Signature);

            // Another operator's facility answers exactly as an unknown one.
            var facility = (await reads.LoadFacilityAsync(facilityId, cancellationToken)).State;
            if (facility is null || facility.OperatorId != actor.OrganisationId)
            {
                throw new ApiProblemException(StatusCodes.Status404NotFound, "facility_not_found", "No such facility operated by this organisation.");
            }
            if (!facility.HasCluster(clusterId))
            {
                throw new ApiProblemException(StatusCodes.Status404NotFound, "cluster_not_found", "The facility has no such cluster.");
            }
            var chipIds = await InstalledChipsAsync(reads, facilityId, clusterId, cancellationToken);
            if (chipIds.Count == 0)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "cluster_empty", "No chip is installed in this cluster.");
            }
            if (chipIds.Count > MaxClusterChips)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "cluster_too_large", "The cluster has too many chips to attest in one transaction.", $"At most {MaxClusterChips:N0}; attest its chips one by one.");
            }

            var eventIds = chipIds.ToDictionary(id => id, _ => Guid.NewGuid(), StringComparer.Ordinal);
            var claimant = eventIds[chipIds[0]];
            var payload = AttestationPayload.ForCluster(facilityId, clusterId, chipIds, fields.Method, body.RoundTripMs, body.LandmarkId, body.Nonce, fields.OccurredAt);
            var signature = await signing.DecideAsync(actor.OrganisationId, payload, input, claimant, now, cancellationToken);
            var attestations = chipIds
                .Select(id => (IChipCommand)new AttestChipLocation(eventIds[id], id, facilityId, fields.Method, body.RoundTripMs, body.LandmarkId, signature, actor, fields.OccurredAt))
                .ToList();
            var result = await RecordAsync(signing, signature, input, claimant,
                () => commands.HandleBatchAsync(attestations, CommandMetadataOf(context) with { CorrelationId = claimant.ToString() }, cancellationToken));
            var chips = chipIds.Select(id => new AttestedChip(id, eventIds[id], result.VersionOf(StreamKeys.Chip(id)))).ToList();
            return TypedResults.Created((string?)null, new ClusterAttestationResponse(facilityId, clusterId, NameOf(signature), chips.Count, chips));
        }).RequireAuthorization(OperatorPolicy).Accepts<ClusterAttestationRequest>("application/json").WithName("AttestClusterLocation")
            .WithSummary("The facility's operator attests every chip installed in one of its clusters in one transaction (one event per chip, all or none); one signature covers the cluster and its chip list.")
            .WithRequestExample(new ClusterAttestationRequest("rtt", ExampleTime(2026, 11, 20, 10, 0), 1.5m, "landmark-atl-3",
                "Gx3v0q9Jb1mJm2xk6WbQ7d1YtC5f0aRz", "memphis-2026", "MEUCIQC7GCI9AE3lsC/TvDLIy3YSoscNL2ppYlruu2OnMBpUjwIgTbQ3+WQgC7pEFlzPYFS1O6C8xPbKXhTCMYXJ18B0qKo="))
            .WithResponseExample(StatusCodes.Status201Created, new ClusterAttestationResponse("fac-memphis-1", "hall-a", "valid", 2,
                [new AttestedChip("nvidia:1652223004561", Guid.Parse("0b8e3f4e-6c55-4d6f-9a43-2f1f8b7d9c10"), 9), new AttestedChip("nvidia:1652223004562", Guid.Parse("5d2c1a0b-7e44-4b3a-8f21-6c0e9d8b7a65"), 9)]))
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
    }

    /// <summary>Runs the command; when it is refused or fails, the nonce it claimed is given back before the refusal is answered.</summary>
    private static async Task<CommandResult> RecordAsync(
        AttestationSigning signing, SignatureResult signature, AttestationSignatureInput input, Guid claimant, Func<Task<CommandResult>> command)
    {
        CommandResult result;
        try
        {
            result = await command();
        }
        catch
        {
            await signing.ReleaseAsync(signature, input, claimant, CancellationToken.None);
            throw;
        }
        if (!result.IsAccepted)
        {
            await signing.ReleaseAsync(signature, input, claimant, CancellationToken.None);
        }
        return result.EnsureAccepted();
    }

    private static async Task<ChipState> VisibleChipAsync(RegistryReads reads, string chipId, Actor actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(chipId) || chipId.Contains('/', StringComparison.Ordinal))
        {
            throw new ChipNotFoundException();
        }
        var snapshot = await reads.LoadChipAsync(chipId, cancellationToken);
        if (snapshot.Version == 0 || !ChipVisibility.For(chipId, snapshot.State.History, actor).IsVisible)
        {
            throw new ChipNotFoundException();
        }
        return snapshot.State;
    }

    /// <summary>The chips the chip-state table has installed in the cluster, in chip id order.</summary>
    private static async Task<IReadOnlyList<string>> InstalledChipsAsync(RegistryReads reads, string facilityId, string clusterId, CancellationToken cancellationToken)
    {
        var chipIds = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await reads.SearchChipsAsync(new ChipSearch
            {
                FacilityId = facilityId, Stage = ChipStateProjection.StageName(ChipStage.Installed), AfterChipId = after, Limit = ChipSearch.MaxLimit,
            }, cancellationToken);
            chipIds.AddRange(page.Where(row => row.ClusterId == clusterId).Select(row => row.ChipId));
            if (page.Count < ChipSearch.MaxLimit || chipIds.Count > MaxClusterChips)
            {
                return chipIds;
            }
            after = page[^1].ChipId;
        }
    }

    private sealed record AttestationFields(string Method, Instant OccurredAt);

    private static AttestationFields Validate(string method, decimal? roundTripMs, string? landmarkId, OffsetDateTime occurredAt, Instant now, BusinessTimeOptions businessTime)
    {
        if (string.IsNullOrWhiteSpace(method) || method.Length > 64 || method.Any(char.IsControl))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_method", "The attestation method must be 1 to 64 printable characters.");
        }
        if (roundTripMs is < 0m or > MaxRoundTripMs)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_round_trip", "The round-trip time is out of range.", $"0 <= roundTripMs <= {MaxRoundTripMs}.");
        }
        if (landmarkId is not null)
        {
            RequireId(landmarkId, "landmarkId");
        }
        var at = occurredAt.ToInstant();
        businessTime.Validate(at, now);
        return new AttestationFields(method, at);
    }

    private static AttestationSignatureInput SignatureInput(string? nonce, string? keyId, string? signature)
    {
        if ((keyId is null) != (signature is null))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "incomplete_signature", "A signature names its key, and a key comes with a signature.", "Send both keyId and signature, or neither.");
        }
        if (nonce is not null && (nonce.Length is 0 or > 100 || nonce.Any(char.IsControl)))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_nonce", "The nonce is not one the registry could have issued.");
        }
        if (signature is null)
        {
            return new AttestationSignatureInput(null, null, nonce);
        }
        // A P-256 DER signature is at most 72 bytes; anything far longer is not one.
        var der = new byte[256];
        if (signature.Length == 0 || signature.Length > 344 || !Convert.TryFromBase64String(signature, der, out var length))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_signature_encoding", "The signature must be the base64 of a DER-encoded ECDSA signature.");
        }
        return new AttestationSignatureInput(keyId, der[..length], nonce);
    }

    private static long? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (header.Length == 0)
        {
            return null;
        }
        var trimmed = header.Trim();
        return trimmed.Length > 2 && trimmed[0] == '"' && trimmed[^1] == '"' && long.TryParse(trimmed[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_if_match", "If-Match must be one ETag as a chip read returns it.", "For example If-Match: \"7\".");
    }

    /// <summary>The PEM as the registry stores it: re-exported from the parsed key, so only a public P-256 key is ever kept.</summary>
    private static string PublicKeyPem(string pem)
    {
        static ApiProblemException Invalid(string detail) =>
            new(StatusCodes.Status422UnprocessableEntity, "invalid_public_key", "The key is not an ECDSA P-256 public key.", detail);
        if (string.IsNullOrWhiteSpace(pem) || pem.Length > MaxPemLength)
        {
            throw Invalid("Send one SubjectPublicKeyInfo PEM (-----BEGIN PUBLIC KEY-----).");
        }
        // A private key must never be accepted (and so never stored), even though it would import.
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not "PUBLIC KEY" || PemEncoding.TryFind(pem.AsSpan(fields.Location.End.Value), out _))
        {
            throw Invalid("Send exactly one PEM block labelled PUBLIC KEY, as openssl ec -pubout writes it.");
        }
        if (!AttestationSignatureVerifier.IsP256PublicKey(pem))
        {
            throw Invalid("The key must be on the P-256 curve (prime256v1).");
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return ecdsa.ExportSubjectPublicKeyInfoPem();
    }

    private static bool IsKeyId(string keyId) =>
        keyId is { Length: > 0 and <= 100 } && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    private static bool IsId(string value) => !string.IsNullOrWhiteSpace(value) && value.Length <= MaxIdLength && !value.Any(char.IsControl);

    private static void RequireId(string value, string field)
    {
        if (!IsId(value))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_id", $"{field} must be 1 to {MaxIdLength} printable characters.");
        }
    }

    private static string? EncodeCursor(AttestationKeyResponse last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.OrganisationId}\n{last.KeyId}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (string, string)? DecodeCursor(string? after)
    {
        if (string.IsNullOrEmpty(after))
        {
            return null;
        }
        try
        {
            var padded = after.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('\n');
            return parts.Length == 2 ? (parts[0], parts[1]) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_page", "The cursor is not one this endpoint returned.");
        }
    }

    public static string NameOf(SignatureResult result) => JsonNamingPolicy.SnakeCaseLower.ConvertName(result.ToString());

    private static CommandMetadata CommandMetadataOf(HttpContext context) =>
        context.Features.Get<IdempotencyRequest>() is { } idempotency
            ? new CommandMetadata { IdempotencyKey = idempotency.Key, RequestHash = idempotency.RequestHash }
            : new CommandMetadata();

    private static AppendMetadata AppendMetadataOf(HttpContext context) =>
        new(context.User.OrganisationId())
        {
            IdempotencyKey = context.Features.Get<IdempotencyRequest>()?.Key,
            RequestHash = context.Features.Get<IdempotencyRequest>()?.RequestHash,
        };

    private const string ExamplePem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEHkHP3o0620oz9iqH1aOT2NIgTyYS\nJCOD0TdbRYn0EhTjcipPmrib0j+iuZRb37Opw1YYj90EobDk5bRyiyCUEg==\n-----END PUBLIC KEY-----";

    private static readonly AttestationKeyResponse ExampleKey = new(
        "op-colossus", "memphis-2026", ExamplePem, Instant.FromUtc(2026, 11, 1, 0, 0), Instant.FromUtc(2027, 11, 1, 0, 0),
        "op-colossus", Instant.FromUtc(2026, 11, 20, 9, 0));

    private static OffsetDateTime ExampleTime(int year, int month, int day, int hour, int minute) =>
        Instant.FromUtc(year, month, day, hour, minute).WithOffset(Offset.Zero);
}
