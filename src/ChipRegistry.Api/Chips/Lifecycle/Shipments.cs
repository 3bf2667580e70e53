using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>
/// A shipment by the chip's physical custodian. <see cref="LicenceId"/> or <see cref="NotificationId"/> (at most one)
/// cites the registry's record of the export licence or NAC notification; the registry fills in its number.
/// Bill-to, ship-to and payer default to the consignee; the end user is a registered organisation.
/// </summary>
public sealed record ShipmentRequest(
    string DestinationCountry, string ConsigneeId, string EndUserId, string? BillToId = null, string? ShipToId = null, string? PayerId = null,
    string? LicenceId = null, string? NotificationId = null, OffsetDateTime? OccurredAt = null);

/// <summary>The licence check recorded with the shipment (recorded whatever its result; detection judges it).</summary>
public sealed record LicenceCheckRecorded(string Result, string RequirementCode, string Detail, string? AuthorisationNumber);

public sealed record ShipmentRecorded(string ChipId, long Version, IReadOnlyList<RecordedEvent> Events, LicenceCheckRecorded LicenceCheck);

internal static class Shipments
{
    public static void Map(RouteGroupBuilder chip) =>
        chip.MapGroup("/shipments").WithTags("Shipping").RequireAuthorization(ChipPolicies.Trader)
            .MapPost("", async Task<Created<ShipmentRecorded>> (string chipId, HttpContext http, ChipWrites writes, CancellationToken cancellationToken) =>
            {
                var body = await RequestJson.ReadAsync<ShipmentRequest>(http.Request, CommandRequests.Json, cancellationToken);
                var fields = ShipmentFields.Read(body.DestinationCountry, body.ConsigneeId, body.EndUserId, body.BillToId, body.ShipToId, body.PayerId,
                    body.LicenceId, body.NotificationId);
                var at = http.BusinessTime(body.OccurredAt);
                var outcome = await writes.ExecuteAsync(http, chipId, new ChipAct(ConflictCodes.NotCustodian), async (snapshot, actor) =>
                {
                    var context = await ContextAsync(writes.Reads, snapshot, fields.ConsigneeId, fields.EndUserId, fields.LicenceId, fields.NotificationId, at, cancellationToken);
                    return new ShipChip(Guid.CreateVersion7(), chipId, fields.DestinationCountry, fields.ConsigneeId, fields.EndUserId, fields.BillToId, fields.ShipToId, fields.PayerId,
                        context.Licence?.Number ?? context.Notification?.Number, context, actor, at);
                }, cancellationToken);
                var shipped = outcome.Events.OfType<ChipShipped>().Single();
                return ChipWriteResults.Created(http, outcome.Version, new ShipmentRecorded(outcome.ChipId, outcome.Version, outcome.Recorded.Events,
                    new LicenceCheckRecorded(shipped.LicenceCheck.ToCode(), shipped.LicenceRequirementCode, shipped.LicenceCheckDetail, shipped.AuthorisationNumber)));
            })
            .Documented("ShipChip", "The physical custodian ships the chip; the licence check (model, destination, parties and their parents, cited licence or notification, quantity used) is computed and recorded with it.",
                new ShipmentRequest("AE", "op-gulf", "op-gulf", LicenceId: "lic-ae-2026-17", OccurredAt: ChipLifecycleEndpoints.ExampleTime),
                new ShipmentRecorded("nvidia:1652223004561", 5, [new RecordedEvent(Guid.Parse("0193a5e2-7c1d-7b3e-9f10-2c4d5e6f7a8b"), "chip_shipped")],
                    new LicenceCheckRecorded("ok", "d4_destination", "licence D1234567", "D1234567")));

    /// <summary>
    /// What the licence check needs, from the registry's own records: the model's spec in force on the ship date, both
    /// parties' jurisdictions (with their ultimate parents) on that date, the cited licence or notification, and the
    /// chips already shipped under its number.
    /// </summary>
    internal static async Task<ShipmentContext> ContextAsync(
        RegistryReads reads, ChipState chip, string consigneeId, string endUserId, string? licenceId, string? notificationId, Instant at, CancellationToken cancellationToken)
    {
        var model = chip.ModelId is { } modelId ? (await reads.LoadModelAsync(modelId, cancellationToken)).State : null;
        var spec = model?.EffectiveSpecAt(at) ?? model?.EffectiveSpec
            ?? throw new ApiProblemException(StatusCodes.Status409Conflict, "model_spec_missing", "The chip's model has no registered spec, so no licence check can be made.");
        var directory = await reads.LoadOrganisationDirectoryAsync(cancellationToken);
        var date = Named.DateOf(at);
        var consignee = directory.Jurisdiction(consigneeId, date) ?? throw Unknown("consigneeId");
        var endUser = directory.Jurisdiction(endUserId, date) ?? throw Unknown("endUserId");
        Licence? licence = null;
        ExportNotification? notification = null;
        if (licenceId is not null)
        {
            licence = (await reads.LoadLicenceAsync(licenceId, cancellationToken)).State
                ?? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_licence", "The cited licence is not in the registry.", "licenceId: cite the licence as the agency recorded it.");
        }
        if (notificationId is not null)
        {
            notification = (await reads.LoadNotificationAsync(notificationId, cancellationToken)).State
                ?? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_notification", "The cited notification is not in the registry.", "notificationId: file the notification first.");
        }
        var number = licence?.Number ?? notification?.Number;
        var alreadyShipped = number is null ? 0 : await reads.CountShippedUnderLicenceAsync(number, cancellationToken);
        return new ShipmentContext(spec, consignee, endUser, licence, notification, alreadyShipped);
    }

    private static ApiProblemException Unknown(string field) =>
        new(StatusCodes.Status422UnprocessableEntity, "unknown_organisation", "The request names an organisation the registry does not know.", $"{field}: register the organisation first.");
}
