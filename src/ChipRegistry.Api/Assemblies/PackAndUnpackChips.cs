using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Assemblies;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Assemblies;

public sealed record AssemblyChipsRequest(IReadOnlyList<string> ChipIds, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>Packing and unpacking move chips into and out of an assembly the caller holds, every chip and the assembly in one append.</summary>
public static class PackAndUnpackChipsEndpoints
{
    /// <summary>An assembly holds what a server does: a few dozen accelerators, not a lot.</summary>
    public const int MaxChips = 256;

    public static RouteHandlerBuilder MapPackChips(this RouteGroupBuilder group) =>
        Describe(group.MapPost("/{assemblyId}/pack", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var (body, at) = await ReadAsync(assemblyId, context, reads, cancellationToken);
            var command = new PackChipsIntoAssembly(Guid.CreateVersion7(), assemblyId, body.ChipIds, context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(AssemblyResponse.From(written.AssemblyAfter(assemblyId)));
        }), "PackChipsIntoAssembly", "Pack chips the caller holds into an assembly it holds (integrator, manufacturer).");

    public static RouteHandlerBuilder MapUnpackChips(this RouteGroupBuilder group) =>
        Describe(group.MapPost("/{assemblyId}/unpack", async Task<Ok<AssemblyResponse>> (string assemblyId, HttpContext context, CommandPipeline commands, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var (body, at) = await ReadAsync(assemblyId, context, reads, cancellationToken);
            var command = new UnpackChipsFromAssembly(Guid.CreateVersion7(), assemblyId, body.ChipIds, context.User.Actor(), at);
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            return TypedResults.Ok(AssemblyResponse.From(written.AssemblyAfter(assemblyId)));
        }), "UnpackChipsFromAssembly", "Take chips out of an assembly the caller holds (integrator, manufacturer).");

    private static async Task<(AssemblyChipsRequest Body, NodaTime.Instant At)> ReadAsync(string assemblyId, HttpContext context, RegistryReads reads, CancellationToken cancellationToken)
    {
        var body = await context.Request.ReadAsync<AssemblyChipsRequest>(cancellationToken);
        if (body.ChipIds.Count > MaxChips)
        {
            throw new Problems.ApiProblemException(StatusCodes.Status422UnprocessableEntity, "invalid_chip_list", "Too many chips for one assembly.", $"At most {MaxChips} chips per request.");
        }
        var at = context.BusinessTime(body.OccurredAt);
        // Serials are case-insensitive: each id as its chip was registered (one query for the list).
        var registered = await reads.RegisteredChipIdsAsync(body.ChipIds, cancellationToken);
        body = body with { ChipIds = [.. body.ChipIds.Select(id => registered[id])] };
        await reads.LoadHeldAssemblyAsync(assemblyId, context.User, cancellationToken);
        await reads.RequireVisibleChipsAsync(body.ChipIds, context.User, cancellationToken);
        return (body, at);
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder builder, string name, string summary) => builder
        .RequireAuthorization(policy => policy.RequireRole(AssemblyEndpoints.BuilderRoles))
        .Accepts<AssemblyChipsRequest>("application/json").WithName(name)
        .WithSummary(summary)
        .WithRequestExample(new AssemblyChipsRequest(["nvidia:1652223004561", "nvidia:1652223004562"]))
        .WithResponseExample(StatusCodes.Status200OK, AssemblyResponse.Example)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
