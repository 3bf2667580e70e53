using ChipRegistry.Api.Assemblies;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using NodaTime;

namespace ChipRegistry.Api.Epcis;

/// <summary>
/// EPCIS 2.0 capture (<c>POST /api/v1/epcis/capture</c>, a capture job to poll) and export (<c>GET /api/v1/chips/{chipId}/epcis</c>,
/// <c>/api/v1/lots/{lotId}/epcis</c>, <c>/api/v1/assemblies/{assemblyId}/epcis</c>):
/// docs/epcis-mapping.md. The document is processed within the request, so the job is finished when the 202 answers.
/// </summary>
public static class EpcisEndpoints
{
    public const string ErrorBehaviourHeader = "GS1-Capture-Error-Behaviour";

    public static WebApplicationBuilder AddEpcis(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EpcisImportedEvents>();
        builder.Services.AddSingleton<EpcisCaptureJobs>();
        builder.Services.AddSingleton<EpcisImporter>();
        builder.Services.AddSingleton<EpcisExport>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEpcisEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var epcis = endpoints.MapGroup("/api/v1/epcis").WithTags("EPCIS").RequireAuthorization(ChipPolicies.Trader);

        epcis.MapPost("/capture", async Task<Accepted<CaptureJob>> (
            HttpContext http, EpcisImporter importer, EpcisCaptureJobs jobs, IClock clock, IOptions<BusinessTimeOptions> businessTime, CancellationToken cancellationToken) =>
        {
            if (!http.Request.HasJsonContentType() && http.Request.ContentType?.StartsWith("application/ld+json", StringComparison.OrdinalIgnoreCase) != true)
            {
                throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The request body must be EPCIS JSON or JSON-LD.",
                    "Send Content-Type: application/ld+json or application/json.");
            }
            var behaviour = http.Request.Headers[ErrorBehaviourHeader].ToString() switch
            {
                "" or "rollback" => "rollback",
                "proceed" => "proceed",
                var other => throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_error_behaviour", "GS1-Capture-Error-Behaviour is rollback or proceed.",
                    $"'{other}' is neither."),
            };
            var now = clock.GetCurrentInstant();
            var window = new Interval(Instant.FromDateTimeOffset(businessTime.Value.Earliest), now + Duration.FromTimeSpan(businessTime.Value.MaxFutureSkew));
            var actor = http.User.Actor();
            var captureId = Guid.CreateVersion7();
            var result = await importer.ImportAsync(http.Request.Body, actor, behaviour == "proceed", window, cancellationToken);
            await jobs.StartAsync(captureId, actor.OrganisationId, behaviour, cancellationToken);
            await jobs.FinishAsync(captureId, result, cancellationToken);
            var job = await jobs.FindAsync(captureId, actor.OrganisationId, cancellationToken);
            return TypedResults.Accepted($"/api/v1/epcis/capture/{captureId}", job);
        })
        .WithBodyLimit(BodySizeLimits.Largest)
        // no Accepts metadata: routing would answer 415 to the content type it does not name, and EPCIS clients send both
        .WithEpcisDocumentBody()
        .WithName("CaptureEpcis")
        .WithSummary("Capture an EPCIS 2.0 document (JSON-LD or JSON): its events become the calling organisation's chip acts, all or nothing unless GS1-Capture-Error-Behaviour: proceed. Answers 202 with the capture job.")
        .WithResponseExample(StatusCodes.Status202Accepted, JobExample)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status429TooManyRequests);

        epcis.MapGet("/capture/{captureId}", async Task<Results<Ok<CaptureJob>, ProblemHttpResult>> (string captureId, HttpContext http, EpcisCaptureJobs jobs, CancellationToken cancellationToken) =>
            Guid.TryParse(captureId, out var id) && await jobs.FindAsync(id, http.User.Actor().OrganisationId, cancellationToken) is { } job
                ? TypedResults.Ok(job)
                : ApiProblems.Result(StatusCodes.Status404NotFound, EpcisErrors.CaptureNotFound, "No capture job of this organisation has this id."))
        .WithName("GetEpcisCapture")
        .WithSummary("A capture job: running, or finished with success and, per element that did not map, its position, code and reason.")
        .WithResponseExample(StatusCodes.Status200OK, JobExample)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/v1/chips/{chipId}/epcis", async Task<ContentHttpResult> (
            string chipId, HttpContext http, RegistryReads reads, EpcisExport export, IClock clock, CancellationToken cancellationToken) =>
        {
            var events = await VisibleEventsAsync(reads, chipId, http.User.Actor(), cancellationToken);
            if (events.Count == 0)
            {
                throw new ChipNotFoundException();
            }
            var document = await export.ChipAsync(chipId, events, clock.GetCurrentInstant(), cancellationToken);
            return TypedResults.Content(document.ToJsonString(), "application/ld+json");
        })
        .RequireAuthorization()
        .WithTags("EPCIS")
        .Produces<object>(StatusCodes.Status200OK, "application/ld+json")
        .WithName("ExportChipEpcis")
        .WithSummary("The chip's history as the caller may see it, as an EPCIS 2.0 document (JSON-LD) that validates against GS1's EPCIS JSON schema.")
        .WithResponseExample(StatusCodes.Status200OK, new { type = "EPCISDocument", schemaVersion = "2.0", epcisBody = new { eventList = Array.Empty<object>() } })
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/v1/lots/{lotId}/epcis", async Task<ContentHttpResult> (
            string lotId, HttpContext http, RegistryReads reads, EpcisExport export, IClock clock, CancellationToken cancellationToken) =>
        {
            // a lot is the chips of it the caller may see, each as far as it may see it; a lot none of whose chips it sees is not found
            var actor = http.User.Actor();
            var chips = new List<(string, IReadOnlyList<IChipEvent>)>();
            if (ChipIds.IsWellFormedLotId(lotId))
            {
                foreach (var chipId in (await reads.LoadLotAsync(lotId, cancellationToken)).Keys)
                {
                    var events = await VisibleEventsAsync(reads, chipId, actor, cancellationToken);
                    if (events.Count > 0) chips.Add((chipId, events));
                }
            }
            if (chips.Count == 0)
            {
                throw DomainProblems.ToProblem(new DomainError(ChipErrors.LotNotFound, $"lot '{lotId}' is not registered"));
            }
            var document = await export.ChipsAsync(chips, clock.GetCurrentInstant(), cancellationToken);
            return TypedResults.Content(document.ToJsonString(), "application/ld+json");
        })
        .RequireAuthorization()
        .WithTags("EPCIS")
        .Produces<object>(StatusCodes.Status200OK, "application/ld+json")
        .WithName("ExportLotEpcis")
        .WithSummary("The histories of a lot's chips as the caller may see each (the chips it cannot see left out), as one EPCIS 2.0 document (JSON-LD) that validates against GS1's EPCIS JSON schema. 404 lot_not_found when it sees none.")
        .WithResponseExample(StatusCodes.Status200OK, new { type = "EPCISDocument", schemaVersion = "2.0", epcisBody = new { eventList = Array.Empty<object>() } })
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/v1/assemblies/{assemblyId}/epcis", async Task<ContentHttpResult> (
            string assemblyId, HttpContext http, RegistryReads reads, IEventStore store, EpcisExport export, IClock clock, CancellationToken cancellationToken) =>
        {
            // only a caller that may read the assembly learns what it holds; each chip ever packed in it as far as the caller may see that chip
            await reads.LoadVisibleAssemblyAsync(assemblyId, http.User, cancellationToken);
            var actor = http.User.Actor();
            var packed = (await store.ReadStreamAsync(StreamKeys.Assembly(assemblyId), cancellationToken: cancellationToken))
                .Select(e => e.Data).OfType<AssemblyChipPacked>().Select(p => p.ChipId).Distinct(StringComparer.Ordinal);
            var chips = new List<(string, IReadOnlyList<IChipEvent>)>();
            foreach (var chipId in packed)
            {
                var events = await VisibleEventsAsync(reads, chipId, actor, cancellationToken);
                if (events.Count > 0) chips.Add((chipId, events));
            }
            var document = await export.ChipsAsync(chips, clock.GetCurrentInstant(), cancellationToken);
            return TypedResults.Content(document.ToJsonString(), "application/ld+json");
        })
        .RequireAuthorization()
        .WithTags("EPCIS")
        .Produces<object>(StatusCodes.Status200OK, "application/ld+json")
        .WithName("ExportAssemblyEpcis")
        .WithSummary("The histories of the chips ever packed into the assembly, each as the caller may see it, as one EPCIS 2.0 document (JSON-LD) that validates against GS1's EPCIS JSON schema; for those who may read the assembly (404 assembly_not_registered to others).")
        .WithResponseExample(StatusCodes.Status200OK, new { type = "EPCISDocument", schemaVersion = "2.0", epcisBody = new { eventList = Array.Empty<object>() } })
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        return endpoints;
    }

    /// <summary>
    /// The chip's events the caller may see, as its history shows them: a party its whole history, a former holder up to
    /// the end of its holding, agencies everything; none for a chip it may not see or that does not exist.
    /// </summary>
    private static async Task<IReadOnlyList<IChipEvent>> VisibleEventsAsync(RegistryReads reads, string chipId, Actor actor, CancellationToken cancellationToken)
    {
        if (!ChipIds.IsWellFormed(chipId) || await reads.RelationOfAsync(chipId, actor, cancellationToken) == ChipRelation.None)
        {
            return [];
        }
        var stream = await reads.ReadChipHistoryAsync(chipId, null, cancellationToken);
        return ChipVisibility.For(chipId, [.. stream.Select(e => e.Data).OfType<IChipEvent>()], actor).Events;
    }

    private static readonly CaptureJob JobExample = new(
        Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b"), "rollback", Instant.FromUtc(2026, 12, 6, 9, 0), Instant.FromUtc(2026, 12, 6, 9, 0, 1), false, false, 2, 0, 0,
        [new EpcisElementError("/epcisBody/eventList/1/bizStep", EpcisErrors.BizStepUnmapped, "business step 'transporting' of a ObjectEvent OBSERVE maps onto no chip act (docs/epcis-mapping.md)")]);
}
