using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

public sealed record IllegitimacyDeclarationRequest(string Reason, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>An agency declares the chip illegitimate (counterfeit, diverted, stolen): only destruction remains.</summary>
internal static class IllegitimacyDeclarations
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/illegitimacy-declaration").WithTags("Holds").RequireAuthorization(ChipPolicies.Agency)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<IllegitimacyDeclarationRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var reason = RequestFields.Text(body.Reason, "reason");
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotAgency, RequiresParty: false),
                    (_, actor) => Task.FromResult<IChipCommand>(new DeclareChipIllegitimate(Guid.CreateVersion7(), chipId, reason, actor, at)), cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("DeclareChipIllegitimate", "An agency declares the chip illegitimate.",
                new IllegitimacyDeclarationRequest("counterfeit: die markings do not match the model", ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_illegitimacy_declared", 6));
}
