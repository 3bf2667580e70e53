using ChipRegistry.Api.Callers;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Catalog;

public sealed record ThroughputRequest(string Precision, decimal DenseTeraOps, int BitLength, bool Estimated = false);

/// <summary>
/// The inputs the export rules read, as the manufacturer declares them (unknown ones left null). TPP, density
/// and classes are computed by the registry and cannot be sent.
/// </summary>
public sealed record RegisterModelRequest(
    string ModelId, string Vendor, string Name, IReadOnlyList<ThroughputRequest> Throughput,
    decimal? LogicDieAreaMm2, decimal? MemoryBandwidthGBs, decimal? InterconnectBandwidthGBs, bool DataCenterDesign, decimal? TdpWatts,
    string? InterconnectNote = null, NodaTime.OffsetDateTime? OccurredAt = null)
{
    public AcceleratorSpec ToSpec() => new(
        ModelId, Vendor, Name, [.. Throughput.Select(t => new ThroughputFigure(t.Precision, t.DenseTeraOps, t.BitLength, t.Estimated))],
        Figure(LogicDieAreaMm2), Figure(MemoryBandwidthGBs), Figure(InterconnectBandwidthGBs), DataCenterDesign, Figure(TdpWatts), InterconnectNote);

    private static Figure? Figure(decimal? value) => value is { } v ? new Figure(v) : null;
}

public static class RegisterModelEndpoint
{
    public static RouteHandlerBuilder MapRegisterModel(this RouteGroupBuilder group) =>
        group.MapPost("", async Task<Created<ModelResponse>> (HttpContext context, CommandPipeline commands, CancellationToken cancellationToken) =>
        {
            var body = await context.Request.ReadAsync<RegisterModelRequest>(cancellationToken);
            RequestFields.NewId(body.ModelId, "modelId", "invalid_spec");
            var command = new RegisterAcceleratorModel(body.ToSpec(), context.User.Actor(), context.BusinessTime(body.OccurredAt));
            var written = (await commands.HandleAsync(command, context.CommandMetadata(), cancellationToken)).EnsureAccepted();
            var model = written.ModelAfter(body.ModelId);
            return TypedResults.Created($"/api/v1/models/{Uri.EscapeDataString(model.ModelId)}", ModelResponse.From(model));
        })
        .RequireAuthorization(policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Manufacturer)))
        .Accepts<RegisterModelRequest>("application/json").WithName("RegisterModel")
        .WithSummary("Register a model of the calling manufacturer with its declared spec; the registry computes TPP, density and classes.")
        .WithRequestExample(new RegisterModelRequest("nvidia-h100-sxm", "NVIDIA", "H100 SXM", [new ThroughputRequest("BF16", 989.4m, 16), new ThroughputRequest("FP8", 1978.9m, 8)],
            814m, 3350m, 900m, true, 700m))
        .WithResponseExample(StatusCodes.Status201Created, CatalogEndpoints.ModelExample)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict,
            StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests);
}
