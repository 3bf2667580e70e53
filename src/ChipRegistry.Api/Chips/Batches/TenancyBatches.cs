using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Chips.Batches;

/// <summary>One chip of a tenancy batch: the fields of <see cref="TenancyRequest"/> and the chip.</summary>
public sealed record TenancyBatchItem(
    string ChipId, string TenantId, NodaTime.OffsetDateTime From, NodaTime.OffsetDateTime? To = null, NodaTime.OffsetDateTime? OccurredAt = null) : IChipBatchItem;

public sealed record TenancyBatchRequest(IReadOnlyList<TenancyBatchItem> Items);

/// <summary>The operator of the facilities many installed chips are in assigns them to tenants in one request.</summary>
internal static class TenancyBatches
{
    public static void Map(RouteGroupBuilder batches) =>
        batches.MapPost("/tenancies", (HttpContext http, CancellationToken cancellationToken) =>
        {
            var writes = http.RequestServices.GetRequiredService<ChipBatchWrites>();
            var tenants = new ChipBatchEndpoints.Lookups<string, Organisation>(id => Named.OrganisationAsync(writes.Reads, id, "tenantId", cancellationToken));
            return ChipBatchEndpoints.RunAsync<TenancyBatchItem>(http, new ChipAct(ChipErrors.NotFacilityOperator), async (_, item, _, actor) =>
            {
                var tenantId = RequestFields.Id(item.TenantId, "tenantId");
                var from = http.BusinessTime(item.From, "from");
                var to = item.To is { } end ? http.BusinessTime(end, "to") : (NodaTime.Instant?)null;
                var at = http.BusinessTime(item.OccurredAt);
                await tenants.GetAsync(tenantId);
                return new AssignChipTenant(Guid.CreateVersion7(), item.ChipId, tenantId, from, to, actor, at);
            }, cancellationToken);
        })
        .WithTags("Installations", "Batches").RequireAuthorization(ChipPolicies.Operator)
        .Documented("AssignChipTenants", "The operator of the facilities the chips are installed in assigns many of them to registered tenants in one request, all or nothing.",
            new TenancyBatchRequest([.. ChipBatchEndpoints.ExampleChips.Select(c => new TenancyBatchItem(c, "lab-frontier", ChipLifecycleEndpoints.ExampleTime, null, ChipLifecycleEndpoints.ExampleTime))]),
            "chip_tenant_assigned");
}
