using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Gs1;

public sealed record GrantCompanyPrefixRequest(string CompanyPrefix, string ManufacturerId, NodaTime.OffsetDateTime? OccurredAt = null);

public static class GrantCompanyPrefixEndpoint
{
    public static RouteHandlerBuilder MapGrantCompanyPrefix(this RouteGroupBuilder group) =>
        group.MapPost("/prefixes", async Task<Created<CompanyPrefixResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<GrantCompanyPrefixRequest>(cancellationToken);
            var manufacturerId = RequestFields.Id(body.ManufacturerId, "manufacturerId");
            var command = new GrantCompanyPrefix(body.CompanyPrefix, manufacturerId, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var prefix = written.StateAfter<CompanyPrefix, Gs1PrefixGranted>(StreamKeys.Gs1Prefix(body.CompanyPrefix), CompanyPrefix.Evolve);
            return TypedResults.Created($"/api/v1/gs1/prefixes/{prefix.Prefix}", CompanyPrefixResponse.From(prefix));
        })
        .RequireAuthorization(policy => policy.RequireRole(Keys.ApiKeys.AdminRole))
        .Accepts<GrantCompanyPrefixRequest>("application/json").WithName("GrantCompanyPrefix")
        .WithSummary("Grant a GS1 company prefix to a manufacturer (registry administrator): one holder per prefix, and no prefix overlaps another.")
        .WithRequestExample(new GrantCompanyPrefixRequest("0614141", "nvidia"))
        .WithResponseExample(StatusCodes.Status201Created, CompanyPrefixResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
