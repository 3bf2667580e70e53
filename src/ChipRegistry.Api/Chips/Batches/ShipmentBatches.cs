using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using NodaTime;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of a shipment batch: the fields of <see cref="ShipmentRequest"/> and the chip.</summary>
public sealed record ShipmentBatchItem(
    string ChipId, string DestinationCountry, string ConsigneeId, string EndUserId, string? BillToId = null, string? ShipToId = null, string? PayerId = null,
    string? LicenceId = null, string? NotificationId = null, OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record ShipmentBatchRequest(IReadOnlyList<ShipmentBatchItem> Items);

/// <summary>
/// The physical custodian ships many chips in one request, each with its licence check computed as for one chip. The
/// chips a batch ships under one licence count towards its quantity in item order, as the same shipments made one by
/// one would, so a batch cannot ship past a licence's quantity unseen.
/// </summary>
internal static class ShipmentBatches
{
    private sealed record ContextKey(string? ModelId, string ConsigneeId, string EndUserId, string? LicenceId, string? NotificationId, Instant At);

    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/shipments", (HttpContext http, CancellationToken cancellationToken) =>
        {
            var writes = http.RequestServices.GetRequiredService<ChipBatchWrites>();
            var contexts = new Dictionary<ContextKey, ShipmentContext>();
            // Per attempt: a version conflict reruns every item, so the count starts again with it.
            var shippedInBatch = new Dictionary<string, int>(StringComparer.Ordinal);
            return ChipBatchEndpoints.RunAsync<ShipmentBatchItem>(http, new ChipAct(ConflictCodes.NotCustodian), async (index, item, state, actor) =>
            {
                if (index == 0)
                {
                    shippedInBatch.Clear();
                }
                var fields = ShipmentFields.Read(item.DestinationCountry, item.ConsigneeId, item.EndUserId, item.BillToId, item.ShipToId, item.PayerId,
                    item.LicenceId, item.NotificationId);
                var at = http.BusinessTime(item.OccurredAt);
                var key = new ContextKey(state.ModelId, fields.ConsigneeId, fields.EndUserId, fields.LicenceId, fields.NotificationId, at);
                if (!contexts.TryGetValue(key, out var context))
                {
                    context = await Shipments.ContextAsync(writes.Reads, state, fields.ConsigneeId, fields.EndUserId, fields.LicenceId, fields.NotificationId, at, cancellationToken);
                    contexts[key] = context;
                }
                var number = context.Licence?.Number ?? context.Notification?.Number;
                if (number is not null)
                {
                    var before = shippedInBatch.GetValueOrDefault(number);
                    context = context with { AlreadyShippedUnderLicence = context.AlreadyShippedUnderLicence + before };
                    shippedInBatch[number] = before + 1;
                }
                return new ShipChip(Guid.CreateVersion7(), item.ChipId, fields.DestinationCountry, fields.ConsigneeId, fields.EndUserId, fields.BillToId, fields.ShipToId, fields.PayerId,
                    number, context, actor, at);
            }, cancellationToken);
        })
        .WithTags("Shipping", "Batches").RequireAuthorization(ChipPolicies.Trader)
        .Documented("ShipChips", "The physical custodian ships many chips in one request, all or nothing; each chip's licence check is computed and recorded with it.",
            new ShipmentBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new ShipmentBatchItem(c, "AE", "op-gulf", "op-gulf", LicenceId: "lic-ae-2026-17", OccurredAt: ChipLifecycleEndpoints.ExampleTime))]),
            "chip_shipped");
}
