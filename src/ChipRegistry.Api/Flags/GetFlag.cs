using System.Text.Json;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Detection.Flags;
using ChipRegistry.Domain.Detection.Reviews;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Flags;

/// <summary>One flag with the events behind it, as stored (stream, type, business and recorded time, data).</summary>
public static class GetFlagEndpoint
{
    public static RouteGroupBuilder MapGetFlag(this RouteGroupBuilder group)
    {
        group.MapGet("/flags/{flagId}", async Task<Ok<FlagWithEvidenceResponse>> (string flagId, FlagReads flags, CancellationToken cancellationToken) =>
        {
            var view = await flags.FindAsync(flagId, cancellationToken) ?? throw NotFound(flagId);
            var events = await flags.EvidenceAsync(view.Flag, cancellationToken);
            return TypedResults.Ok(new FlagWithEvidenceResponse(FlagResponse.From(view),
                [.. events.Select(e => new EvidenceEventResponse(e.SeqId, e.StreamKey, e.Type, e.OccurredAt, e.RecordedAt, JsonDocument.Parse(e.DataJson).RootElement.Clone()))]));
        })
        .WithName("GetFlag")
        .WithSummary("One flag with its evidence events (sequence number, stream, stored type, business and recorded time, data) and its latest review. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, new FlagWithEvidenceResponse(FlagResponse.Example,
            [new EvidenceEventResponse(48211, "nvidia:1652223004561", "chip_shipped", Instant.FromUtc(2025, 3, 2, 12, 0), Instant.FromUtc(2025, 3, 2, 12, 0, 3),
                JsonDocument.Parse("""{"destinationCountry":"SG","consigneeId":"sg-fwd"}""").RootElement.Clone())]))
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return group;
    }

    public static ApiProblemException NotFound(string flagId) =>
        DomainProblems.ToProblem(new DomainError(FlagReviewErrors.FlagNotFound, $"no flag {flagId}"));
}
