using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lots;

/// <summary>The lot request as documented; the endpoint reads it as a stream (see <see cref="LotBodyReader"/>).</summary>
public sealed record LotRequest(string LotId, string ModelId, string Country, NodaTime.OffsetDateTime? FabricatedAt, IReadOnlyList<string> Serials);

/// <summary>A registered lot: how many chips, the first and last chip ids as sent, and the correlation id shared by their events.</summary>
public sealed record LotRegistered(string LotId, string ModelId, long ChipCount, string FirstChipId, string LastChipId, Guid CorrelationId);

public sealed record LotHoldRequest(string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

public sealed record LotHeld(string LotId, int HeldChips, Guid CorrelationId);

/// <summary>
/// Chip lots: a manufacturer registers up to 100,000 chips of one of its own models in one request, streamed from
/// the body into the store's bulk path; an agency holds every chip of a lot at once.
/// </summary>
public static class LotEndpoints
{
    public const string NotModelManufacturer = "not_model_manufacturer";

    public static IEndpointRouteBuilder MapLotEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var lots = endpoints.MapGroup("/api/v1/lots").WithTags("Lots");

        lots.MapPost("", async Task<Created<LotRegistered>> (HttpContext http, RegistryReads reads, CommandPipeline commands, LotIdLocks locks, CancellationToken cancellationToken) =>
        {
            if (!http.Request.HasJsonContentType())
            {
                throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The request body must be JSON.", "Send Content-Type: application/json.");
            }
            var pipe = PipeReader.Create(http.Request.Body, new StreamPipeReaderOptions(leaveOpen: true));
            try
            {
                var body = new LotBodyReader(pipe);
                var header = await body.ReadHeaderAsync(cancellationToken);
                var actor = http.User.Actor();
                // Held from the novelty check to the commit, so two requests naming one new lot id cannot both pass it. Under an
                // Idempotency-Key the commit comes after the handler (with the response), so the lock goes with the request.
                http.Response.RegisterForDisposeAsync(await locks.AcquireAsync(header.LotId, cancellationToken));
                var lot = await LotAsync(http, header, actor, reads, cancellationToken);
                var seen = new LotTally();
                var result = await commands.RegisterLotAsync(lot, OwnSerials(body.SerialsAsync(cancellationToken), actor.OrganisationId, seen, cancellationToken),
                    http.CommandMetadata(), cancellationToken);
                result.EnsureAccepted();
                return TypedResults.Created((string?)null,
                    new LotRegistered(lot.LotId, lot.ModelId, result.Bulk!.StreamCount, seen.First ?? "", seen.Last ?? "", lot.EventId));
            }
            finally
            {
                await pipe.CompleteAsync();
            }
        })
        .RequireAuthorization(ChipPolicies.Manufacturer)
        .WithBodyLimit(BodySizeLimits.Largest)
        .Accepts<LotRequest>("application/json")
        .WithName("RegisterChipLot")
        .WithSummary("A manufacturer registers a lot of up to 100,000 chips of its own model, streamed into the registry: all or nothing. lotId, modelId, country and fabricatedAt come before serials.")
        .WithRequestExample(new LotRequest("tw-2026-11-0042", "nvidia-h100-sxm", "TW", ChipLifecycleEndpoints.ExampleTime, ["nvidia:1652223004561", "nvidia:1652223004562"]))
        .WithResponseExample(StatusCodes.Status201Created, new LotRegistered("tw-2026-11-0042", "nvidia-h100-sxm", 2, "nvidia:1652223004561", "nvidia:1652223004562",
            Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b")))
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);

        lots.MapPost("/{lotId}/hold", async Task<Created<LotHeld>> (string lotId, HttpContext http, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<LotHoldRequest>(http.Request, CommandRequests.Json, cancellationToken);
            var reason = RequestFields.Text(body.Reason, "reason");
            var at = http.BusinessTime(body.OccurredAt);
            var eventId = Guid.CreateVersion7();
            var result = (await commands.HoldLotAsync(eventId, ChipIds.IsWellFormedLotId(lotId) ? lotId : throw InvalidLot(), reason, http.User.Actor(), at, http.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Created((string?)null, new LotHeld(lotId, result.Events.Count, eventId));
        })
        .RequireAuthorization(ChipPolicies.Agency)
        .Accepts<LotHoldRequest>("application/json")
        .WithName("HoldChipLot")
        .WithSummary("An agency holds every chip of a lot that can still be held, in one transaction.")
        .WithRequestExample(new LotHoldRequest("recall of a suspect lot, case 2026-311", ChipLifecycleEndpoints.ExampleTime))
        .WithResponseExample(StatusCodes.Status201Created, new LotHeld("tw-2026-11-0042", 2, Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b")))
        .WithProblems(ChipPolicies.WriteProblems);

        return endpoints;
    }

    /// <summary>
    /// Checks the header before a single chip is staged: the lot id's shape and novelty, the model (registered, and the
    /// caller's own: a manufacturer registers only chips of its models), the country, the fabrication time.
    /// </summary>
    private static async Task<RegisterChipLot> LotAsync(HttpContext http, LotHeader header, Domain.Common.Actor actor, RegistryReads reads, CancellationToken cancellationToken)
    {
        var lotId = Identifiers.ProblemWithNew(header.LotId, "lotId") is { } lotError ? throw DomainProblems.ToProblem(lotError) : header.LotId;
        var country = RequestFields.Country(header.Country, "country");
        var at = http.BusinessTime(header.FabricatedAt, "fabricatedAt");
        var model = (await reads.LoadModelAsync(RequestFields.Id(header.ModelId, "modelId"), cancellationToken)).State
            ?? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_model", "The model is not in the catalog.", "modelId: register the model first.");
        if (model.ManufacturerId != actor.OrganisationId)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, NotModelManufacturer, "Only a model's manufacturer registers chips of it.",
                $"{model.ModelId} is made by {model.ManufacturerId}.");
        }
        // A lot is registered in one request: a second request under the same lot id would merge two lots for holds.
        if ((await reads.SearchChipsAsync(new ChipSearch { LotId = lotId, Limit = 1 }, cancellationToken)).Count > 0)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, "lot_already_registered", "A lot with this id is already registered.");
        }
        return new RegisterChipLot(Guid.CreateVersion7(), lotId, model.ModelId, country, actor, at);
    }

    private static ApiProblemException InvalidLot() =>
        new(StatusCodes.Status422UnprocessableEntity, "invalid_lot", "The lot id is not acceptable.", "A lot id is 1 to 100 letters, digits, '.', '_', ':' or '-'.");

    private sealed class LotTally
    {
        public string? First { get; set; }
        public string? Last { get; set; }
    }

    /// <summary>
    /// Every serial must be one of the caller's own chip ids (<c>{manufacturer}:{serial}</c>), else the lot fails with
    /// 422 <c>invalid_chip</c>, and its serial must follow <see cref="Serials"/>, else 422 <c>invalid_serial</c>.
    /// </summary>
    private static async IAsyncEnumerable<string> OwnSerials(IAsyncEnumerable<string> serials, string manufacturerId, LotTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = 0;
        await foreach (var chipId in serials.WithCancellation(cancellationToken))
        {
            if (!ChipIds.BelongsTo(chipId, manufacturerId))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, ChipErrors.InvalidChip, "A serial is not one of this manufacturer's chip ids.",
                    $"serials[{index}] must be {manufacturerId}: followed by the serial.");
            }
            if (!Serials.IsWellFormed(chipId.AsSpan(manufacturerId.Length + 1)))
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, Serials.InvalidSerial, "A serial is not acceptable.",
                    $"serials[{index}]: a serial is 1 to {Serials.MaxLength} ASCII letters, digits, '.', '_' or '-'.");
            }
            tally.First ??= chipId;
            tally.Last = chipId;
            index++;
            yield return chipId;
        }
    }
}
