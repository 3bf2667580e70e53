using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Assemblies;

/// <summary>Where the assembly arrived.</summary>
public sealed record ReceiveAssemblyRequest(string Country, NodaTime.OffsetDateTime? OccurredAt = null);

public static class ReceiveAssemblyEndpoint
{
    public static RouteHandlerBuilder MapReceiveAssembly(this RouteGroupBuilder group) =>
        group.MapPost("/{assemblyId}/receipts", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<ReceiveAssemblyRequest>(cancellationToken);
            var at = context.BusinessTime(body.OccurredAt);
            await reads.LoadHeldAssemblyAsync(assemblyId, context.User, cancellationToken);
            var command = new ReceiveAssembly(Guid.CreateVersion7(), assemblyId, body.Country, context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(AssemblyResponse.From(written.AssemblyAfter(assemblyId)));
        })
        .RequireAuthorization(policy => policy.RequireRole(AssemblyEndpoints.HolderRoles))
        .Accepts<ReceiveAssemblyRequest>("application/json").WithName("ReceiveAssembly")
        .WithSummary("Receive an assembly in transit as its named consignee; custody of it and of every chip in it passes to the caller.")
        .WithRequestExample(new ReceiveAssemblyRequest("MY"))
        .WithResponseExample(StatusCodes.Status200OK, AssemblyResponse.Example with { CustodianId = "op-kl", Country = "MY" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
