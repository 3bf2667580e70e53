using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary><see cref="Kind"/> is <c>lost</c> or <c>stolen</c>.</summary>
public sealed record LossReportRequest(string Kind, string Circumstances, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The custodian or the owner reports the chip lost or stolen (allowed on hold: it is evidence).</summary>
internal static class LossReports
{
    public const string NotOwnerOrCustodian = "not_owner_or_custodian";

    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/loss-reports").WithTags("End of life").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<LossReportRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var kind = body.Kind switch
                {
                    "lost" => MissingKind.Lost,
                    "stolen" => MissingKind.Stolen,
                    _ => throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_kind", "A loss report is lost or stolen.", "kind must be \"lost\" or \"stolen\"."),
                };
                var circumstances = RequestFields.Text(body.Circumstances, "circumstances");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(NotOwnerOrCustodian),
                    (_, actor) => Task.FromResult<IChipCommand>(new ReportChipMissing(Guid.CreateVersion7(), chipId, kind, circumstances, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("ReportChipMissing", "The custodian or the owner reports the chip lost or stolen.",
                new LossReportRequest("stolen", "container opened in transit, seal broken", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_missing_reported", 6));
}
