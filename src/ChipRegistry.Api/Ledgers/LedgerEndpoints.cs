using ChipRegistry.Api.Keys;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.Domain.Projections.Ledgers;
using NodaTime;

namespace ChipRegistry.Api.Ledgers;

/// <summary><see cref="Key"/>: the destination country, or the consignee's ultimate parent (<see cref="Country"/>: its headquarters).</summary>
public sealed record ShipmentLedgerRowResponse(string Key, string? Country, long Chips, decimal H100Equivalents, long ChipsWithoutSpecification);

public sealed record ShipmentLedgerResponse(int Year, string By, long ProjectedThroughSeqId, IReadOnlyList<ShipmentLedgerRowResponse> Rows);

/// <summary>
/// <see cref="Ratio"/>: China units over US-delivered units (null when none were delivered); <see cref="WithinHalf"/>:
/// whether China units are at most half the US-delivered ones.
/// </summary>
public sealed record ChinaUsRowResponse(string ModelId, string? ExporterId, long ChinaUnits, long UsDeliveredUnits, decimal? Ratio, bool WithinHalf)
{
    public static ChinaUsRowResponse Of(string modelId, string? exporterId, long china, long us) =>
        new(modelId, exporterId, china, us, us == 0 ? null : decimal.Round((decimal)china / us, 4), 2 * china <= us);
}

/// <summary><see cref="Exporters"/>: per model and exporter; <see cref="Models"/>: per model, every exporter together.</summary>
public sealed record ChinaUsResponse(Instant Since, long ProjectedThroughSeqId, IReadOnlyList<ChinaUsRowResponse> Models, IReadOnlyList<ChinaUsRowResponse> Exporters);

/// <summary>
/// The ledgers of domain.md section 1, for agencies and the registry only: chips and H100-equivalents shipped per
/// calendar year by destination country or by the consignee's ultimate parent (the AI Diffusion rule's yardsticks),
/// and per model since 2026-01-15 the units exported to China beside those delivered to US consignees (the January
/// 2026 rule's 50% ratio). Read from the daemon's <c>chip_shipments</c>.
/// </summary>
public static class LedgerEndpoints
{
    public const string ReaderPolicy = "ledger_reader";
    public const string ByCountry = "country";
    public const string ByConsigneeParent = "consignee_parent";

    private const int FirstYear = 2015;
    private const int LastYear = 2200;

    public static WebApplicationBuilder AddLedgers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new LedgerReads(services.GetRequiredService<RegistryReads>(), services.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReaderPolicy, policy => policy.RequireRole(Callers.Callers.RoleOf(OrganisationKind.Agency), ApiKeys.AdminRole));
        return builder;
    }

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var ledgers = endpoints.MapGroup("/api/v1/ledgers").WithTags("Ledgers").RequireAuthorization(ReaderPolicy);

        ledgers.MapGet("/shipments", async (int? year, string? by, LedgerReads ledger, CancellationToken cancellationToken) =>
        {
            if (year is not { } y || y is < FirstYear or > LastYear)
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_year", "The year is missing or out of range.", $"Give year={FirstYear} to {LastYear}.");
            }
            var grouping = by ?? ByCountry;
            if (grouping is not (ByCountry or ByConsigneeParent))
            {
                throw new ApiProblemException(StatusCodes.Status400BadRequest, "invalid_grouping", "The grouping is not one the ledger offers.", $"Use by={ByCountry} or by={ByConsigneeParent}.");
            }
            var (rows, through) = await ledger.ShipmentsAsync(y, grouping == ByConsigneeParent, cancellationToken);
            return TypedResults.Ok(new ShipmentLedgerResponse(y, grouping, through,
                [.. rows.Select(r => new ShipmentLedgerRowResponse(r.Key, r.Country, r.Chips, r.H100Equivalents, r.ChipsWithoutSpecification))]));
        })
        .WithName("GetShipmentLedger")
        .WithSummary("Chips and H100-equivalents (TPP of the model's specification in force at shipment / 15,831.2) shipped in a calendar year (UTC), by destination country (by=country, the default) or by the consignee's ultimate parent as the parent chain stood at shipment (by=consignee_parent, with the parent's headquarters country). Shipments count, RMA returns do not; voided shipments never. Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, ShipmentsExample)
        .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);

        ledgers.MapGet("/china-us-ratio", async (string? model, RegistryReads reads, LedgerReads ledger, CancellationToken cancellationToken) =>
        {
            if (model is not null && (await reads.LoadModelAsync(model, cancellationToken)).State is null)
            {
                throw DomainProblems.ToProblem(new DomainError(ModelErrors.ModelNotRegistered, $"model '{model}' is not registered"));
            }
            var (rows, through) = await ledger.ChinaUsAsync(model, cancellationToken);
            var models = rows.GroupBy(r => r.ModelId, StringComparer.Ordinal)
                .Select(g => ChinaUsRowResponse.Of(g.Key, null, g.Sum(r => r.ChinaUnits), g.Sum(r => r.UsDeliveredUnits)));
            return TypedResults.Ok(new ChinaUsResponse(LedgerReads.ChinaUsRuleFrom, through, [.. models],
                [.. rows.Select(r => ChinaUsRowResponse.Of(r.ModelId, r.ExporterId, r.ChinaUnits, r.UsDeliveredUnits))]));
        })
        .WithName("GetChinaUsRatio")
        .WithSummary("Per model (one with model=, else every model shipped) since 2026-01-15: units shipped to China (CN, HK, MO) beside units delivered to US consignees (shipped to the US and received there by the named consignee), per exporter and per model, with the ratio and whether China stays within half (the January 2026 rule). Agencies and the registry only.")
        .WithResponseExample(StatusCodes.Status200OK, ChinaUsExample)
        .WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return endpoints;
    }

    private static readonly ShipmentLedgerResponse ShipmentsExample = new(2025, ByCountry, 48211,
    [
        new ShipmentLedgerRowResponse("US", "US", 120000, 120000m, 0),
        new ShipmentLedgerRowResponse("AE", "AE", 20000, 12631.98m, 0),
    ]);

    private static readonly ChinaUsResponse ChinaUsExample = new(LedgerReads.ChinaUsRuleFrom, 48211,
        [ChinaUsRowResponse.Of("nvidia-h20", null, 400, 1000)],
        [ChinaUsRowResponse.Of("nvidia-h20", "nvidia", 400, 1000)]);
}
