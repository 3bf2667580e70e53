using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Assemblies;

/// <summary><paramref name="Kind"/> is <c>server</c> or <c>board</c> (4A090 items that carry 3A090 chips).</summary>
public sealed record RegisterAssemblyRequest(string AssemblyId, string Kind, string Serial, string Country, NodaTime.OffsetDateTime? OccurredAt = null);

public static class RegisterAssemblyEndpoint
{
    public static RouteHandlerBuilder MapRegisterAssembly(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Created<AssemblyResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterAssemblyRequest>(cancellationToken);
            RequestFields.NewId(body.AssemblyId, "assemblyId", "invalid_assembly");
            var kind = body.Kind switch
            {
                "server" => AssemblyKind.Server,
                "board" => AssemblyKind.Board,
                _ => throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_assembly_kind", "The assembly kind is not one the registry knows.", "Use server or board."),
            };
            var command = new RegisterAssembly(body.AssemblyId, kind, body.Serial, body.Country, context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var assembly = written.AssemblyAfter(body.AssemblyId);
            return TypedResults.Created((string?)null, AssemblyResponse.From(assembly));
        })
        .RequireAuthorization(policy => policy.RequireRole(AssemblyEndpoints.BuilderRoles))
        .Accepts<RegisterAssemblyRequest>("application/json").WithName("RegisterAssembly")
        .WithSummary("Register a server or board (integrator, manufacturer); the caller holds it.")
        .WithRequestExample(new RegisterAssemblyRequest("srv-dgx-0001", "server", "1324923000123", "US"))
        .WithResponseExample(StatusCodes.Status201Created, AssemblyResponse.Example with { ChipIds = [] })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
