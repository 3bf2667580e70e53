using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChipRegistry.Api.Chips;
using ChipRegistry.Api.Chips.Batches;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Facilities;
using ChipRegistry.Domain.Organisations;
using NodaTime;
using static ChipRegistry.Api.Tests.Chips.ChipApi;

namespace ChipRegistry.Api.Tests.Chips.Batches;

/// <summary>Lifecycle acts on many chips in one request, all or nothing, through the API on a real PostgreSQL.</summary>
public sealed class ChipBatchTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private static readonly OffsetDateTime Earlier = SystemClock.Instance.GetCurrentInstant().Minus(Duration.FromHours(2)).WithOffset(Offset.Zero);

    private const string RivalModel = "bm-rival-x1";

    private sealed record Parties(string Maker, string Operator, string Rival);

    /// <summary>nvidia (TW) makes H100s; bm-op (AE) buys them for its facility bm-fac; bm-tenant rents them; bm-rival makes a model of its own.</summary>
    private async Task<Parties> PartiesAsync()
    {
        var maker = (await host.OrganisationKeyAsync("nvidia", OrganisationKind.Manufacturer, "TW")).Token;
        var operatorKey = (await host.OrganisationKeyAsync("bm-op", OrganisationKind.Operator, "AE")).Token;
        var rival = (await host.OrganisationKeyAsync("bm-rival", OrganisationKind.Manufacturer, "US")).Token;
        await host.RegisterOrganisationAsync("bm-tenant", OrganisationKind.EndUser, "AE");
        if ((await new ChipArranger(host).Reads.LoadFacilityAsync("bm-fac", Cancel)).State is null)
        {
            var op = new Actor("bm-op", OrganisationKind.Operator);
            var now = SystemClock.Instance.GetCurrentInstant();
            (await host.Commands.HandleAsync(new RegisterFacility("bm-fac", "Batch Hall", "AE", 24.4m, 54.4m, 200m, op, now))).EnsureAccepted();
            (await host.Commands.HandleAsync(new RegisterCluster("bm-fac", "hall-a", "Hall A", op, now))).EnsureAccepted();
            (await host.Commands.HandleAsync(new RegisterAcceleratorModel(CatalogSeed.H100Sxm with { ModelId = RivalModel }, new Actor("bm-rival", OrganisationKind.Manufacturer), now))).EnsureAccepted();
        }
        return new Parties(maker, operatorKey, rival);
    }

    private async Task<string[]> LotAsync(string key, string manufacturerId, int count)
    {
        var serials = Enumerable.Range(0, count).Select(_ => $"{manufacturerId}:{Guid.NewGuid():N}").ToArray();
        var response = await host.SendAsync(HttpMethod.Post, "/api/v1/lots", key, new LotRequest(ChipArranger.FreshId("bm"), manufacturerId == "nvidia" ? CatalogSeed.H100Sxm.ModelId : RivalModel, "TW", Earlier, serials));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return serials;
    }

    private async Task<JsonElement> BatchAsync(string key, string act, object body, HttpStatusCode expected = HttpStatusCode.Created, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = await host.SendAsync(HttpMethod.Post, $"/api/v1/chip-batches/{act}", key, body, headers);
        var json = await response.JsonAsync();
        Assert.True(expected == response.StatusCode, $"{act}: {(int)response.StatusCode} {json}");
        return json;
    }

    private Task<long> EventCountAsync() => new RegistryWorld(host).EventCountAsync();

    [Fact]
    public async Task chips_move_from_fab_to_a_data_center_with_one_request_per_act_and_a_result_per_chip()
    {
        var p = await PartiesAsync();
        var chips = await LotAsync(p.Maker, "nvidia", 3);

        var offered = await BatchAsync(p.Maker, "sale-offers", new SaleOfferBatchRequest([.. chips.Select(c => new SaleOfferBatchItem(c, "bm-op", Earlier))]));
        await BatchAsync(p.Operator, "sale-acceptances", new SaleAcceptanceBatchRequest([.. chips.Select(c => new SaleAcceptanceBatchItem(c, Earlier))]));
        await BatchAsync(p.Maker, "shipments", new ShipmentBatchRequest([.. chips.Select(c => new ShipmentBatchItem(c, "AE", "bm-op", "bm-op", OccurredAt: Earlier))]));
        await BatchAsync(p.Operator, "receipts", new ReceiptBatchRequest([.. chips.Select(c => new ReceiptBatchItem(c, "AE", Earlier))]));
        await BatchAsync(p.Operator, "installations", new InstallationBatchRequest([.. chips.Select((c, i) => new InstallationBatchItem(c, "bm-fac", "hall-a", $"A-{i}", Earlier))]));
        var rented = await BatchAsync(p.Operator, "tenancies", new TenancyBatchRequest([.. chips.Select(c => new TenancyBatchItem(c, "bm-tenant", Earlier, null, Earlier))]));

        // A result per chip, in request order: the chip, its new version (its stream's sequence) and the event appended.
        Assert.Equal(3, offered.GetProperty("chipCount").GetInt32());
        Assert.Equal(chips, offered.GetProperty("chips").EnumerateArray().Select(c => c.GetProperty("chipId").GetString()!));
        var results = rented.GetProperty("chips").EnumerateArray().ToList();
        Assert.Equal(chips, results.Select(c => c.GetProperty("chipId").GetString()!));
        foreach (var (chipId, result) in chips.Zip(results))
        {
            var state = (await new ChipArranger(host).LoadAsync(chipId)).State;
            Assert.Equal(ChipStage.Installed, state.Stage);
            Assert.Equal("bm-op", state.OwnerId);
            Assert.Equal(state.Version, result.GetProperty("version").GetInt64());
            var recorded = Assert.Single(result.GetProperty("events").EnumerateArray());
            Assert.Equal("chip_tenant_assigned", recorded.GetProperty("type").GetString());
            Assert.NotEqual(Guid.Empty, recorded.GetProperty("eventId").GetGuid());
        }
    }

    [Fact]
    public async Task one_chip_the_caller_may_not_see_fails_the_whole_batch_naming_its_position_and_nothing_is_appended()
    {
        var p = await PartiesAsync();
        var own = await LotAsync(p.Maker, "nvidia", 2);
        var others = (await LotAsync(p.Rival, "bm-rival", 1))[0];
        var unknown = $"nvidia:{Guid.NewGuid():N}";
        var before = await EventCountAsync();

        var hidden = await BatchAsync(p.Maker, "sale-offers",
            new SaleOfferBatchRequest([new(own[0], "bm-op", Earlier), new(own[1], "bm-op", Earlier), new(others, "bm-op", Earlier)]), HttpStatusCode.NotFound);
        var absent = await BatchAsync(p.Maker, "sale-offers",
            new SaleOfferBatchRequest([new(own[0], "bm-op", Earlier), new(own[1], "bm-op", Earlier), new(unknown, "bm-op", Earlier)]), HttpStatusCode.NotFound);

        Assert.Equal(ChipNotFoundException.Code, hidden.GetProperty("code").GetString());
        Assert.Equal($"$.items[2] ({others}): no chip with this serial is visible to this organisation.", hidden.GetProperty("detail").GetString());
        // Another's chip is answered as an unknown serial is: only the id the caller sent differs.
        Assert.Equal(absent.GetProperty("detail").GetString()!.Replace(unknown, others, StringComparison.Ordinal), hidden.GetProperty("detail").GetString());
        Assert.Equal(before, await EventCountAsync());
        Assert.All(own, chipId => Assert.Equal(1, new ChipArranger(host).LoadAsync(chipId).GetAwaiter().GetResult().State.Version));
    }

    [Fact]
    public async Task a_chip_the_caller_sees_but_may_not_act_on_or_a_bad_field_fails_the_batch_at_that_chip_and_nothing_is_appended()
    {
        var p = await PartiesAsync();
        var chips = await LotAsync(p.Maker, "nvidia", 3);
        await BatchAsync(p.Maker, "sale-offers", new SaleOfferBatchRequest([new(chips[2], "bm-op", Earlier)]));
        await BatchAsync(p.Operator, "sale-acceptances", new SaleAcceptanceBatchRequest([new(chips[2], Earlier)]));
        var before = await EventCountAsync();

        // The maker is still custodian of chips[2] but no longer its owner: the single act's 409, at that chip.
        var notOwner = await BatchAsync(p.Maker, "sale-offers",
            new SaleOfferBatchRequest([.. chips.Select(c => new SaleOfferBatchItem(c, "bm-op", Earlier))]), HttpStatusCode.Conflict);
        var unknownBuyer = await BatchAsync(p.Maker, "sale-offers",
            new SaleOfferBatchRequest([new(chips[0], "bm-op", Earlier), new(chips[1], "bm-nobody", Earlier)]), HttpStatusCode.UnprocessableEntity);

        Assert.Equal(ChipErrors.NotOwner, notOwner.GetProperty("code").GetString());
        Assert.StartsWith($"$.items[2] ({chips[2]})", notOwner.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("unknown_organisation", unknownBuyer.GetProperty("code").GetString());
        Assert.StartsWith($"$.items[1] ({chips[1]}): buyerId", unknownBuyer.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task duplicate_unknown_and_missing_fields_and_a_chip_named_twice_are_refused_with_their_position()
    {
        var p = await PartiesAsync();
        var chips = await LotAsync(p.Maker, "nvidia", 2);
        var world = new RegistryWorld(host);
        var before = await EventCountAsync();

        async Task<(int Status, string Code, string Detail)> Raw(string json)
        {
            var response = await world.PostRawAsync(p.Operator, "/api/v1/chip-batches/receipts", json);
            var problem = await response.JsonAsync();
            return ((int)response.StatusCode, problem.GetProperty("code").GetString()!, problem.GetProperty("detail").GetString()!);
        }

        var twice = await Raw($$"""{"items":[{"chipId":"{{chips[0]}}","country":"AE"},{"chipId":"{{chips[1]}}","country":"AE"},{"chipId":"{{chips[0].ToUpperInvariant()}}","country":"AE"}]}""");
        var unknown = await Raw($$"""{"items":[{"chipId":"{{chips[0]}}","country":"AE"},{"chipId":"{{chips[1]}}","country":"AE","colour":"red"}]}""");
        var missing = await Raw($$"""{"items":[{"chipId":"{{chips[0]}}"}]}""");
        var duplicate = await Raw($$"""{"items":[{"chipId":"{{chips[0]}}","country":"AE","Country":"AE"}]}""");
        var empty = await Raw("""{"items":[]}""");

        Assert.Equal((422, ChipErrors.DuplicateChip), (twice.Status, twice.Code));
        Assert.Contains("$.items[2].chipId names the chip of $.items[0]", twice.Detail, StringComparison.Ordinal);
        Assert.Equal((400, "unknown_field", "Unknown field $.items[1].colour."), unknown);
        Assert.Equal((400, "missing_field"), (missing.Status, missing.Code));
        Assert.Contains("$.items[0].country", missing.Detail, StringComparison.Ordinal);
        Assert.Equal((400, "duplicate_field"), (duplicate.Status, duplicate.Code));
        Assert.Contains("$.items[0]", duplicate.Detail, StringComparison.Ordinal);
        Assert.Equal((422, ChipBatchWrites.EmptyBatch), (empty.Status, empty.Code));
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task a_batch_past_the_item_limit_is_413_before_any_chip_is_loaded()
    {
        var p = await PartiesAsync();
        var items = Enumerable.Range(0, new ChipBatchOptions().MaxItems + 1).Select(i => new ReceiptBatchItem($"nvidia:limit-{i}", "AE"));
        var before = await EventCountAsync();

        var problem = await BatchAsync(p.Operator, "receipts", new ReceiptBatchRequest([.. items]), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("batch_too_large", problem.GetProperty("code").GetString());
        Assert.Equal(before, await EventCountAsync());
    }

    [Fact]
    public async Task five_thousand_chips_ship_in_one_streamed_request_in_one_transaction()
    {
        var p = await PartiesAsync();
        var chips = await LotAsync(p.Maker, "nvidia", 5_000);
        var before = await EventCountAsync();
        var clock = Stopwatch.StartNew();

        // JsonContent has no Content-Length: the body arrives chunked, and is read item by item as it comes.
        var shipped = await BatchAsync(p.Maker, "shipments", new ShipmentBatchRequest([.. chips.Select(c => new ShipmentBatchItem(c, "AE", "bm-op", "bm-op", OccurredAt: Earlier))]));

        TestContext.Current.TestOutputHelper?.WriteLine($"5,000 shipments in one batch: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(5_000, shipped.GetProperty("chipCount").GetInt32());
        Assert.Equal(before + 5_000, await EventCountAsync());
        await using var connection = await host.Database.OpenAsync(Cancel);
        await using var command = new Npgsql.NpgsqlCommand(
            "select min(correlation_id), count(distinct correlation_id), count(distinct recorded_at) from chipregistry.events where type = 'chip_shipped' and stream_key = any($1)", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = chips });
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        Assert.True(await reader.ReadAsync(Cancel));
        // One transaction (one recorded_at) under the one correlation id the response names.
        Assert.Equal((shipped.GetProperty("correlationId").GetString(), 1L, 1L), (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
    }

    [Fact]
    public async Task a_batch_retried_under_its_idempotency_key_gets_the_first_answer_and_appends_nothing_more()
    {
        var p = await PartiesAsync();
        var chips = await LotAsync(p.Maker, "nvidia", 2);
        var body = new SaleOfferBatchRequest([.. chips.Select(c => new SaleOfferBatchItem(c, "bm-op", Earlier))]);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = $"batch-{Guid.NewGuid():N}" };

        var first = await host.SendAsync(HttpMethod.Post, "/api/v1/chip-batches/sale-offers", p.Maker, body, headers);
        var afterFirst = await EventCountAsync();
        var retry = await host.SendAsync(HttpMethod.Post, "/api/v1/chip-batches/sale-offers", p.Maker, body, headers);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancel), await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(afterFirst, await EventCountAsync());
        Assert.All(chips, chipId => Assert.Equal(2, new ChipArranger(host).LoadAsync(chipId).GetAwaiter().GetResult().State.Version));
    }
}
