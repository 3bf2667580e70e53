using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record HoldRequest(string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>An agency places the chip on hold (its custodian and owner can then do little with it) or releases it.</summary>
internal static class Holds
{
    public static void Map(RouteGroupBuilder chip)
    {
        var hold = chip.MapGroup("/hold").WithTags("Holds").RequireAuthorization(ChipPolicies.Agency);

        hold.MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<HoldRequest>(http.Request, CommandRequests.Json, cancellationToken);
            var reason = RequestFields.Text(body.Reason, "reason");
            var at = http.BusinessTime(body.OccurredAt);
            var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotAgency, RequiresParty: false),
                (_, actor) => Task.FromResult<IChipCommand>(new PlaceChipHold(Guid.CreateVersion7(), chipId, reason, actor, at)), cancellationToken);
            return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
        })
        .Documented("PlaceChipHold", "An agency places the chip on hold.",
            new HoldRequest("suspected diversion, case 2026-311", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_hold_placed", 6));

        hold.MapPost("/release", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
        {
            var body = await RequestJson.ReadAsync<HoldRequest>(http.Request, CommandRequests.Json, cancellationToken);
            var reason = RequestFields.Text(body.Reason, "reason");
            var at = http.BusinessTime(body.OccurredAt);
            var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotAgency, RequiresParty: false),
                (_, actor) => Task.FromResult<IChipCommand>(new ReleaseChipHold(Guid.CreateVersion7(), chipId, reason, actor, at)), cancellationToken);
            return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
        })
        .Documented("ReleaseChipHold", "An agency releases the chip's hold.",
            new HoldRequest("cleared after inspection", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_hold_released", 7));
    }
}
