using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Facilities;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Assemblies;

public sealed record InstallAssemblyRequest(string FacilityId, string ClusterId, string Rack, NodaTime.OffsetDateTime? OccurredAt = null);

public static class InstallAssemblyEndpoint
{
    public static RouteHandlerBuilder MapInstallAssembly(this RouteGroupBuilder group) =>
        group.MapPost("/{assemblyId}/installation", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<InstallAssemblyRequest>(cancellationToken);
            var at = context.BusinessTime(body.OccurredAt);
            await reads.LoadHeldAssemblyAsync(assemblyId, context.User, cancellationToken);
            var facility = await reads.LoadVisibleAsync(body.FacilityId, context.User, cancellationToken);
            var command = new InstallAssembly(Guid.CreateVersion7(), assemblyId, facility, body.ClusterId, body.Rack, context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(AssemblyResponse.From(written.AssemblyAfter(assemblyId)));
        })
        .RequireAuthorization(policy => policy.RequireRole(FacilityEndpoints.OperatorRole))
        .Accepts<InstallAssemblyRequest>("application/json").WithName("InstallAssembly")
        .WithSummary("Install an assembly the caller holds, and every chip in it, in a cluster of a facility it operates.")
        .WithRequestExample(new InstallAssemblyRequest("colossus-memphis", "hall-a", "A-12"))
        .WithResponseExample(StatusCodes.Status200OK, AssemblyResponse.Example with { Stage = "installed", CustodianId = "op-colossus", FacilityId = "colossus-memphis" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
