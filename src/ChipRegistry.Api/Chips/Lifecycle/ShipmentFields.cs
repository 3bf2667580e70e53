using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;

namespace ChipRegistry.Api.Chips.Lifecycle;

/// <summary>
/// A shipment's fields checked and defaulted: bill-to, ship-to and payer default to the consignee, and a shipment cites
/// one licence or one notification at most. One chip's shipment and a batch's items read them the same way, so the
/// two routes cannot drift apart in what they accept.
/// </summary>
internal sealed record ShipmentFields(
    string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId, string PayerId, string? LicenceId, string? NotificationId)
{
    public static ShipmentFields Read(
        string destinationCountry, string consigneeId, string endUserId, string? billToId, string? shipToId, string? payerId, string? licenceId, string? notificationId)
    {
        var destination = RequestFields.Country(destinationCountry, "destinationCountry");
        var consignee = RequestFields.Id(consigneeId, "consigneeId");
        var endUser = RequestFields.Id(endUserId, "endUserId");
        var billTo = RequestFields.OptionalId(billToId, "billToId") ?? consignee;
        var shipTo = RequestFields.OptionalId(shipToId, "shipToId") ?? consignee;
        var payer = RequestFields.OptionalId(payerId, "payerId") ?? consignee;
        var licence = RequestFields.OptionalId(licenceId, "licenceId");
        var notification = RequestFields.OptionalId(notificationId, "notificationId");
        if (licence is not null && notification is not null)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "conflicting_authorisations",
                "A shipment cites one licence or one notification, not both.");
        }
        return new ShipmentFields(destination, consignee, endUser, billTo, shipTo, payer, licence, notification);
    }
}
