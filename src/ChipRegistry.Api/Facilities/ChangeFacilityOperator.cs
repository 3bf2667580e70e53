using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Facilities;

/// <summary>From the start (UTC) of <paramref name="EffectiveFrom"/> on, the facility is run by <paramref name="OperatorId"/>.</summary>
public sealed record ChangeFacilityOperatorRequest(string OperatorId, DateOnly EffectiveFrom, OffsetDateTime? OccurredAt = null);

public static class ChangeFacilityOperatorEndpoint
{
    /// <summary>The operator hands its own facility over; agencies and the registry record hand-overs the parties did not.</summary>
    public static readonly string[] Roles = [FacilityEndpoints.OperatorRole, Callers.Callers.RoleOf(OrganisationKind.Agency), Keys.ApiKeys.AdminRole];

    public static RouteHandlerBuilder MapChangeFacilityOperator(this RouteGroupBuilder group) =>
        group.MapPost("/{facilityId}/operator", async Task<Ok<FacilityResponse>> (string facilityId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ChangeFacilityOperatorRequest>(cancellationToken);
            await reads.LoadVisibleAsync(facilityId, context.User, cancellationToken);
            var effectiveFrom = CommandRequests.CalendarDate(body.EffectiveFrom, "effectiveFrom");
            var newOperator = string.IsNullOrWhiteSpace(body.OperatorId) ? null : (await reads.LoadOrganisationAsync(body.OperatorId, cancellationToken)).State;
            var command = new ChangeFacilityOperator(facilityId, body.OperatorId ?? "", effectiveFrom, newOperator, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(FacilityResponse.From(written.FacilityAfter(facilityId)));
        })
        .RequireAuthorization(policy => policy.RequireRole(Roles))
        .Accepts<ChangeFacilityOperatorRequest>("application/json").WithName("ChangeFacilityOperator")
        .WithSummary("Hand the facility over to another operator from a date on (its operator, an agency or the registry; other operators get 404).")
        .WithRequestExample(new ChangeFacilityOperatorRequest("op-newco", new DateOnly(2024, 7, 1)))
        .WithResponseExample(StatusCodes.Status200OK, FacilityResponse.Example with { OperatorId = "op-newco" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity,
            StatusCodes.Status429TooManyRequests);
}
