using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Licences;

public sealed record GrantLicenceRequest(
    string LicenceId, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, DateOnly ValidFrom, DateOnly ValidUntil, NodaTime.OffsetDateTime? OccurredAt = null);

public static class GrantLicenceEndpoint
{
    public static RouteHandlerBuilder MapGrantLicence(this RouteGroupBuilder group) =>
        group.MapPost("/licences", async Task<Created<LicenceResponse>> (HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<GrantLicenceRequest>(cancellationToken);
            RequestFields.NewId(body.LicenceId, "licenceId", "invalid_licence");
            var command = new GrantLicence(body.LicenceId, body.Number, body.HolderId, body.ConsigneeId, body.EndUserId, body.Destination, body.ModelIds, body.Quantity,
                CommandRequests.CalendarDate(body.ValidFrom, "validFrom"), CommandRequests.CalendarDate(body.ValidUntil, "validUntil"),
                context.User.Actor(), context.BusinessTime(body.OccurredAt));
            await reads.RequireRegisteredAsync([body.HolderId, body.ConsigneeId, body.EndUserId], cancellationToken);
            await reads.RequireModelsAsync(body.ModelIds, cancellationToken);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var licence = written.LicenceAfter(body.LicenceId);
            return TypedResults.Created($"/api/v1/licences/{Uri.EscapeDataString(licence.Id)}", await LicenceResponse.WithUsageAsync(reads, licence, cancellationToken));
        })
        .RequireAuthorization(policy => policy.RequireRole(LicenceEndpoints.AgencyRole))
        .Accepts<GrantLicenceRequest>("application/json").WithName("GrantLicence")
        .WithSummary("Grant an export licence (agency) for up to a quantity of chips of the listed models, to one holder, consignee and end user.")
        .WithRequestExample(new GrantLicenceRequest("lic-2026-0042", "D1234567", "dist-1", "op-kl", "op-kl", "MY", ["nvidia-h100-sxm"], 512, new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31)))
        .WithResponseExample(StatusCodes.Status201Created, LicenceResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
