using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>
/// A registered tenant is assigned the installed chip from <see cref="From"/> until <see cref="To"/> (open when null).
/// Both are business times: a tenancy is reported when it starts, and its end when it has ended.
/// </summary>
public sealed record TenancyRequest(string TenantId, NodaTime.OffsetDateTime From, NodaTime.OffsetDateTime? To = null, NodaTime.OffsetDateTime? OccurredAt = null);

/// <summary>The operator of the facility the chip is installed in assigns it to a tenant.</summary>
internal static class Tenancies
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/tenancies").WithTags("Installations").RequireAuthorization(ChipPolicies.Operator)
            .MapPost("", async Task<Created<ChipEventsRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<TenancyRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var tenantId = RequestFields.Id(body.TenantId, "tenantId");
                var from = http.BusinessTime(body.From, "from");
                var to = body.To is { } end ? http.BusinessTime(end, "to") : (NodaTime.Instant?)null;
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ChipErrors.NotFacilityOperator), async (_, actor) =>
                {
                    await Named.OrganisationAsync(writes.Reads, tenantId, "tenantId", cancellationToken);
                    return new AssignChipTenant(Guid.CreateVersion7(), chipId, tenantId, from, to, actor, at);
                }, cancellationToken);
                return ChipWriteResults.Created(http, outcome.Version, outcome.Recorded);
            })
            .Documented("AssignChipTenant", "The operator of the facility the chip is installed in assigns it to a registered tenant for a period.",
                new TenancyRequest("lab-frontier", ChipLifecycleEndpoints.ExampleTime, null, ChipLifecycleEndpoints.ExampleTime), ChipLifecycleEndpoints.ExampleRecorded("chip_tenant_assigned", 8));
}
