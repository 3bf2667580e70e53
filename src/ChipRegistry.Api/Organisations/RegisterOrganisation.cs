using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Organisations;

/// <summary><paramref name="Kind"/> is a role name other than admin (<c>operator</c>, <c>end_user</c>…): the kind decides the role of the organisation's keys.</summary>
public sealed record RegisterOrganisationRequest(string OrganisationId, string Name, string Kind, string Country, DateOnly FoundedOn, OffsetDateTime? OccurredAt = null);

public static class RegisterOrganisationEndpoint
{
    public static RouteHandlerBuilder MapRegisterOrganisation(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Created<OrganisationResponse>> (HttpContext context, CommandPipeline commands, IClock clock, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterOrganisationRequest>(cancellationToken);
            if (!Callers.Callers.TryKindOf(body.Kind, out var kind) || kind == OrganisationKind.Registry)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_kind", "The organisation kind is not one the registry knows.",
                    "Use manufacturer, distributor, forwarder, integrator, operator, end_user or agency.");
            }
            RequestFields.NewId(body.OrganisationId, "organisationId", "invalid_organisation");
            var at = context.BusinessTime(body.OccurredAt);
            var command = new RegisterOrganisation(body.OrganisationId, body.Name, kind, body.Country,
                CommandRequests.CalendarDate(body.FoundedOn, "foundedOn"), context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var registered = written.OrganisationAfter(body.OrganisationId);
            return TypedResults.Created($"/api/v1/organisations/{Uri.EscapeDataString(body.OrganisationId)}",
                OrganisationResponse.From(registered, clock.GetCurrentInstant().InUtc().Date));
        })
        .RequireAuthorization(policy => policy.RequireRole(Keys.ApiKeys.AdminRole))
        .Accepts<RegisterOrganisationRequest>("application/json").WithName("RegisterOrganisation")
        .WithSummary("Register an organisation of one kind (admin); its keys carry the kind's role.")
        .WithRequestExample(new RegisterOrganisationRequest("op-colossus", "Colossus Compute LLC", "operator", "US", new DateOnly(2023, 5, 1)))
        .WithResponseExample(StatusCodes.Status201Created, OrganisationResponse.Example with { ParentId = null, Parents = [] })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
