using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>Void <see cref="EventId"/> (one of the chip's event ids, as a write's response gave it).</summary>
public sealed record VoidRequest(Guid EventId, string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>
/// The recorder of an event, or an agency, voids it with a reason; events depending on it are voided first (by an
/// agency, whoever recorded them; by a recorder, only its own). A void appends; nothing is erased.
/// </summary>
internal static class Voids
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/voids").WithTags("Voids").RequireAuthorization(ChipPolicies.Voider)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<VoidRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var reason = RequestFields.Text(body.Reason, "reason");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.VoidNotPermitted, RequiresParty: false, NeedsHistory: true),
                    (_, actor) => Task.FromResult<IChipCommand>(new VoidChipEvent(Guid.CreateVersion7(), chipId, body.EventId, reason, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("VoidChipEvent", "The recorder of an event (or an agency) voids it, and first every event that depends on it.",
                new VoidRequest(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b"), "entered against the wrong serial", ChipLifecycleEndpoints.ExampleTime),
                ChipLifecycleEndpoints.ExampleRecorded("chip_event_voided", 8));
}
