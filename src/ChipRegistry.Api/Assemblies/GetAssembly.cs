using ChipRegistry.Api.OpenApi;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Assemblies;

public static class GetAssemblyEndpoint
{
    // No role gate: every trading kind may hold or be shipped an assembly, and agencies and the registry read all,
    // so the relation alone decides and no role is refused outright.
    public static RouteHandlerBuilder MapGetAssembly(this RouteGroupBuilder group) =>
        group.MapGet("/{assemblyId}", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken) =>
            TypedResults.Ok(AssemblyResponse.From(await reads.LoadVisibleAssemblyAsync(assemblyId, context.User, cancellationToken))))
        .WithName("GetAssembly")
        .WithSummary("An assembly's state and the chips packed in it (agencies, the registry, its holder, and the consignee while it is shipped to it; others get 404).")
        .WithResponseExample(StatusCodes.Status200OK, AssemblyResponse.Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
}
