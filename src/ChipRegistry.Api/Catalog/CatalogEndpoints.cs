using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Catalog;

/// <summary>A page of models; pass <see cref="Next"/> as <c>after</c> for the next page (null: no more).</summary>
public sealed record ModelPage(IReadOnlyList<ModelResponse> Models, string? Next);

/// <summary>The accelerator catalog, readable by every authenticated organisation.</summary>
public static class CatalogEndpoints
{
    private const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/models").WithTags("Catalog").RequireAuthorization();

        group.MapGet("", async (string? after, int? limit, IEventStore store, RegistryReads reads, CancellationToken cancellationToken) =>
        {
            var size = Paging.Size(limit, 50, MaxLimit, Paging.InvalidPage);
            var keys = await store.ListStreamKeysAsync(StreamKeys.ModelType, string.IsNullOrEmpty(after) ? null : StreamKeys.Model(after), size + 1, cancellationToken);
            var models = new List<ModelResponse>();
            foreach (var key in keys.Take(size))
            {
                if ((await reads.LoadModelAsync(key[(StreamKeys.ModelType.Length + 1)..], cancellationToken)).State is { } model)
                {
                    models.Add(ModelResponse.From(model));
                }
            }
            return TypedResults.Ok(new ModelPage(models, keys.Count > size ? models[^1].ModelId : null));
        })
        .WithName("ListModels")
        .WithSummary("The accelerator catalog, in model-id order, with TPP, performance density, H100-equivalents and both rule vintages' classes computed from the declared inputs.")
        .WithResponseExample(StatusCodes.Status200OK, new { models = new[] { Example }, next = "nvidia-h100-sxm" })
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

        group.MapGet("/{modelId}", async Task<Results<Ok<ModelResponse>, ProblemHttpResult>> (string modelId, RegistryReads reads, CancellationToken cancellationToken) =>
            (await reads.LoadModelAsync(modelId, cancellationToken)).State is { } model
                ? TypedResults.Ok(ModelResponse.From(model))
                : ApiProblems.Result(StatusCodes.Status404NotFound, "not_found", "No such model."))
        .WithName("GetModel")
        .WithSummary("One model with its computed figures and classes.")
        .WithResponseExample(StatusCodes.Status200OK, Example)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);

        group.MapRegisterModel();

        return endpoints;
    }

    internal static object ModelExample => Example;

    private static readonly object Example = new
    {
        modelId = "nvidia-h100-sxm", vendor = "NVIDIA", name = "H100 SXM", manufacturerId = "nvidia", revision = 1, agencyFinding = false,
        throughput = new[] { new { precision = "BF16", denseTeraOps = 989.4m, bitLength = 16, estimated = false }, new { precision = "FP8", denseTeraOps = 1978.9m, bitLength = 8, estimated = false } },
        logicDieAreaMm2 = 814m, memoryBandwidthGBs = 3350m, interconnectBandwidthGBs = 900m, dataCenterDesign = true, tdpWatts = 700m,
        tpp = 15831m, performanceDensity = 19.45m, h100Equivalents = 1.000m,
        rule2022 = new { @class = "3a090", reasonCode = "io_and_tpp", reason = "I/O 900 GB/s >= 600 and TPP 15831 >= 4800", estimated = false, nacEligibleConsumerItem = false },
        rule2023 = new { @class = "3a090.a", reasonCode = "tpp_at_least_4800", reason = "TPP 15831 >= 4800", estimated = false, nacEligibleConsumerItem = false },
    };
}
