using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Organisations;

/// <summary>From <paramref name="EffectiveFrom"/> on, the direct parent is <paramref name="ParentId"/> (null: none).</summary>
public sealed record ChangeOrganisationParentRequest(string? ParentId, DateOnly EffectiveFrom, OffsetDateTime? OccurredAt = null);

public static class ChangeOrganisationParentEndpoint
{
    /// <summary>
    /// Ownership is what the destination rules follow (an ultimate parent in a restricted country), so the
    /// registry and agencies record it, never the organisation about itself.
    /// </summary>
    public static readonly string[] Roles = [Keys.ApiKeys.AdminRole, Callers.Callers.RoleOf(OrganisationKind.Agency)];

    public static RouteHandlerBuilder MapChangeOrganisationParent(this RouteGroupBuilder group) =>
        group.MapPost("/{organisationId}/parent", async Task<Ok<OrganisationResponse>> (string organisationId, HttpContext context, CommandPipeline commands, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ChangeOrganisationParentRequest>(cancellationToken);
            var at = context.BusinessTime(body.OccurredAt);
            var command = new ChangeOrganisationParent(organisationId, body.ParentId, CommandRequests.CalendarDate(body.EffectiveFrom, "effectiveFrom"), context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var changed = written.OrganisationAfter(organisationId);
            return TypedResults.Ok(OrganisationResponse.From(changed, clock.GetCurrentInstant().InUtc().Date));
        })
        .RequireAuthorization(policy => policy.RequireRole(Roles))
        .Accepts<ChangeOrganisationParentRequest>("application/json").WithName("ChangeOrganisationParent")
        .WithSummary("Record a change of direct parent from a date on (admin, agency); a change that would make the parent chain loop on any date is refused.")
        .WithRequestExample(new ChangeOrganisationParentRequest("xai-holdings", new DateOnly(2024, 1, 1)))
        .WithResponseExample(StatusCodes.Status200OK, OrganisationResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
