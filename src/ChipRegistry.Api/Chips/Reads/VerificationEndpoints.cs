using System.Text.Json;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Chips.Reads;

public sealed record VerificationRequest(string Serial, string OrganisationId);

/// <summary>
/// <see cref="ModelId"/> only when registered; never who does hold the chip. <see cref="RegistrationVoided"/>: the serial
/// was registered and its fabrication voided: it is no chip now, and it is not registered again (a serial is registered once).
/// </summary>
public sealed record VerificationResponse(bool Registered, string? ModelId, bool OrganisationIsCurrentHolder, bool RegistrationVoided = false);

/// <summary>
/// Verification, as product verification works in pharmaceutical serialisation: a party about to take a chip asks
/// whether the serial is registered and whether the organisation offering it holds it now. It is the registry's one
/// deliberate existence check, so it has its own tight per-key rate limit and every answer is logged; every other
/// endpoint keeps a hidden chip indistinguishable from an unknown serial.
/// </summary>
public static partial class VerificationEndpoints
{
    /// <summary>Any organisation id the registry has held: new ones follow the id grammar, older ones this wider shape.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex OrganisationId();

    private const int MaxLength = 200;

    private static readonly JsonSerializerOptions Json = CommandRequests.Strict();

    public static IEndpointRouteBuilder MapVerificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/verifications", async (HttpRequest request, RegistryReads reads, ChipReadLog log, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<VerificationRequest>(request, Json, cancellationToken);
            // Only values that could name a chip or an organisation are looked up; anything else is refused, not "not found".
            if (!ChipIds.IsWellFormed(body.Serial))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_serial", "The serial is not a chip id.",
                    "A chip id is {manufacturer}:{serial}: ASCII letters, digits, '.', '_', '-' (and ':' in the manufacturer part).");
            }
            if (body.OrganisationId is null || !OrganisationId().IsMatch(body.OrganisationId))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_organisation",
                    $"The organisation id must be 1 to {MaxLength} ASCII letters, digits, '.', '_', '-' or ':'.");
            }
            // Serials are case-insensitive: a serial asked in another case is the chip as registered.
            var serial = (await reads.RegisteredChipIdsAsync([body.Serial], cancellationToken))[body.Serial];
            var state = (await reads.LoadChipAsync(serial, cancellationToken)).State;
            var registered = state.Stage != ChipStage.Unregistered;
            // A stream without a valid fabrication: every registration of the serial was voided (reports about serials
            // nobody registered are kept apart, so they never give a serial a stream of its own).
            var voided = !registered && state.Version > 0;
            // The holder is whoever owns it or physically has it: either may rightly hand it on or be asked about it.
            var holds = registered && (state.OwnerId == body.OrganisationId || state.CustodianId == body.OrganisationId);
            await log.RecordAsync(request.HttpContext.User, ChipReadEndpoint.Verification, body.Serial, null,
                new VerificationOutcome(body.OrganisationId, registered, holds), cancellationToken);
            return TypedResults.Ok(new VerificationResponse(registered, registered ? state.ModelId : null, holds, voided));
        })
        .Accepts<VerificationRequest>("application/json")
        .WithTags("Chips").WithName("VerifyChip")
        .RequireAuthorization()
        .RequireRateLimiting(RateLimits.VerificationPolicy)
        .WithSummary("Is this serial registered, of which model, and does this organisation hold it now? Never says who does. A serial whose registration was voided answers registered false, registrationVoided true: it is not registered again. Rate-limited per key and logged.")
        .WithRequestExample(new VerificationRequest("nvidia:1652223004561", "dist-1"))
        .WithResponseExample(StatusCodes.Status200OK, new VerificationResponse(true, "nvidia-h100-sxm", false))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
            StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }
}
