using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Gs1;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Gs1;

/// <summary>
/// GS1 company prefixes and GTINs, what turns an EPCIS SGTIN into a chip id: the registry administrator grants a
/// prefix to a manufacturer, the manufacturer maps its GTINs to its models; every authenticated organisation reads them.
/// </summary>
public static class Gs1Endpoints
{
    public static IEndpointRouteBuilder MapGs1Endpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/gs1").WithTags("GS1").RequireAuthorization();
        group.MapGrantCompanyPrefix();
        group.MapMapGtin();

        group.MapGet("/prefixes/{companyPrefix}", async Task<Results<Ok<CompanyPrefixResponse>, ProblemHttpResult>> (string companyPrefix, IEventStore store, CancellationToken cancellationToken) =>
            Gtins.IsCompanyPrefix(companyPrefix) && (await CompanyPrefixCommands.LoadAsync(store, companyPrefix, cancellationToken)).State is { } prefix
                ? TypedResults.Ok(CompanyPrefixResponse.From(prefix))
                : ApiProblems.Result(StatusCodes.Status404NotFound, "not_found", "No such granted prefix."))
        .WithName("GetCompanyPrefix")
        .WithSummary("A granted GS1 company prefix and its holder.")
        .WithResponseExample(StatusCodes.Status200OK, CompanyPrefixResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        group.MapGet("/gtins/{gtin}", async Task<Results<Ok<GtinResponse>, ProblemHttpResult>> (string gtin, IEventStore store, CancellationToken cancellationToken) =>
            Gtins.IsGtin14(gtin) && (await GtinMappingCommands.LoadAsync(store, gtin, cancellationToken)).State is { } mapping
                ? TypedResults.Ok(GtinResponse.From(mapping))
                : ApiProblems.Result(StatusCodes.Status404NotFound, "not_found", "No such mapped GTIN."))
        .WithName("GetGtin")
        .WithSummary("A mapped GTIN-14 and the model it names.")
        .WithResponseExample(StatusCodes.Status200OK, GtinResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        return endpoints;
    }
}
