using System.IO.Pipelines;
using ChipRegistry.Api.Callers;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.Extensions.Options;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>How many chips one batch request may name (<c>Registry:ChipBatches:MaxItems</c>).</summary>
public sealed class ChipBatchOptions
{
    public const string Section = "Registry:ChipBatches";

    public int MaxItems { get; set; } = 10_000;
}

/// <summary>
/// <c>/api/v1/chip-batches/{act}</c>: a lifecycle act on many chips in one request, all or nothing, one route per act,
/// each in its own file with its item type. The body is <c>{"items": [...]}</c>, read as it arrives.
/// </summary>
public static class ChipBatchEndpoints
{
    public static WebApplicationBuilder AddChipBatches(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChipBatchWrites>();
        builder.Services.AddOptions<ChipBatchOptions>().Bind(builder.Configuration.GetSection(ChipBatchOptions.Section))
            .Validate(options => options.MaxItems > 0, "Registry:ChipBatches:MaxItems is at least 1.").ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapChipBatchEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var batches = endpoints.MapGroup("/api/v1/chip-batches").RequireAuthorization().WithBodyLimit(BodySizeLimits.Largest);
        SaleOfferBatches.Map(batches);
        SaleAcceptanceBatches.Map(batches);
        ShipmentBatches.Map(batches);
        ReceiptBatches.Map(batches);
        InstallationBatches.Map(batches);
        TenancyBatches.Map(batches);
        return endpoints;
    }

    /// <summary>
    /// Reads the batch body (see <see cref="BatchBodyReader{TItem}"/>) and runs the act on its items through
    /// <see cref="ChipBatchWrites"/>; 201 with a result per chip.
    /// </summary>
    internal static async Task<Microsoft.AspNetCore.Http.HttpResults.Created<ChipBatchRecorded>> RunAsync<TItem>(
        HttpContext http, ChipAct act, Func<int, TItem, ChipState, Domain.Common.Actor, Task<IChipCommand>> build, CancellationToken cancellationToken)
        where TItem : IChipBatchItem
    {
        if (!http.Request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "The request body must be JSON.", "Send Content-Type: application/json.");
        }
        var maxItems = http.RequestServices.GetRequiredService<IOptions<ChipBatchOptions>>().Value.MaxItems;
        var pipe = PipeReader.Create(http.Request.Body, new StreamPipeReaderOptions(leaveOpen: true));
        IReadOnlyList<TItem> items;
        try
        {
            items = await new BatchBodyReader<TItem>(pipe, maxItems, CommandRequests.Json).ReadAllAsync(cancellationToken);
        }
        finally
        {
            await pipe.CompleteAsync();
        }
        var actor = http.User.Actor();
        var writes = http.RequestServices.GetRequiredService<ChipBatchWrites>();
        var recorded = await writes.ExecuteAsync(actor, act, items, (index, item, state) => build(index, item, state, actor), http.CommandMetadata(), cancellationToken);
        return TypedResults.Created((string?)null, recorded);
    }

    /// <summary>The OpenAPI decoration every batch act shares.</summary>
    internal static RouteHandlerBuilder Documented<TRequest>(this RouteHandlerBuilder builder, string name, string summary, TRequest example, string eventType)
        where TRequest : notnull =>
        builder.Accepts<TRequest>("application/json")
            .WithName(name)
            .WithSummary(summary)
            .WithRequestExample(example)
            .WithResponseExample(StatusCodes.Status201Created, new ChipBatchRecorded(2, Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b"),
            [
                new ChipEventsRecorded(ExampleChips[0], 5, [new RecordedEvent(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8c"), eventType)]),
                new ChipEventsRecorded(ExampleChips[1], 5, [new RecordedEvent(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8d"), eventType)]),
            ]))
            .WithProblems(ChipPolicies.WriteProblems);

    internal static readonly string[] ExampleChips = ["nvidia:1652223004561", "nvidia:1652223004562"];

    /// <summary>
    /// A lookup made once per distinct key within a request (an organisation, a facility), so a batch of thousands of
    /// chips naming one buyer reads it once. A failed lookup is not kept: its exception fails the batch anyway.
    /// </summary>
    internal sealed class Lookups<TKey, TValue>(Func<TKey, Task<TValue>> load) where TKey : notnull
    {
        private readonly Dictionary<TKey, TValue> known = [];

        public async Task<TValue> GetAsync(TKey key)
        {
            if (!known.TryGetValue(key, out var value))
            {
                value = await load(key);
                known[key] = value;
            }
            return value;
        }
    }
}
