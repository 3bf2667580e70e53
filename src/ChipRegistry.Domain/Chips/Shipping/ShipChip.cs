using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Licences;
using ChipRegistry.Domain.Organisations;
using ChipRegistry.Domain.Policy;
using NodaTime;
using static ChipRegistry.Domain.Chips.ChipErrors;

namespace ChipRegistry.Domain.Chips;

/// <summary>
/// What the licence check needs, resolved by the caller from projections: the chip model's effective spec, the
/// consignee's and end user's jurisdictions on the ship date, the cited licence or notification (null if none or
/// unknown), the chips already shipped under that licence, and how many chips this shipment moves.
/// </summary>
public sealed record ShipmentContext(
    AcceleratorSpec Model,
    PartyJurisdiction Consignee,
    PartyJurisdiction EndUser,
    Licence? Licence,
    ExportNotification? Notification,
    int AlreadyShippedUnderLicence,
    int ShipmentQuantity = 1);

public sealed record ShipChip(
    Guid EventId, string ChipId, string DestinationCountry, string ConsigneeId, string EndUserId, string BillToId, string ShipToId,
    string PayerId, string? AuthorisationNumber, ShipmentContext Context, Actor Actor, Instant At, string? ViaAssembly = null) : IChipReport;

public static partial class ChipDecisions
{
    private static Decision<IChipEvent> Ship(ShipChip c, ChipState s) => Report(c, s, Who(c) == s.CustodianId, "shipment",
        new ReportFacts(null, c.DestinationCountry, c.ConsigneeId, $"shipped to {c.ConsigneeId} in {c.DestinationCountry}"), () =>
        {
            if (NotInStock(s) is { } stage) return stage;
            if (AssemblyMismatch(s, c.ViaAssembly) is { } packed) return packed;
            if (Countries.Problem(c.DestinationCountry, "destinationCountry") is { } countryError) return countryError;
            if (c.Context.Model.ModelId != s.ModelId) return Error(ModelSpecMismatch, $"the spec given is for {c.Context.Model.ModelId}, the chip is a {s.ModelId}");

            var date = c.At.InUtc().Date;
            var requirement = Stricter(
                LicenceRequirement.Evaluate(new LicenceQuestion(c.Context.Model, c.DestinationCountry, c.Context.Consignee, date)),
                LicenceRequirement.Evaluate(new LicenceQuestion(c.Context.Model, c.DestinationCountry, c.Context.EndUser, date)));
            var check = LicenceCheck.Check(new LicenceCheckInput(requirement, s.ModelId!, c.ConsigneeId, c.Context.ShipmentQuantity, date,
                c.Context.Licence, c.Context.AlreadyShippedUnderLicence, c.Context.Notification));
            // An accepted quantity holds only while no other shipment under the licence commits first: the usage
            // projection checks it again, under the usage row's lock, and fails the append if it no longer holds.
            var countedAgainst = check.Result == LicenceCheckResult.Ok && c.Context.Licence is { } licence && licence.Number == c.AuthorisationNumber
                ? licence.Quantity
                : (int?)null;
            return Accepted(new ChipShipped(c.EventId, s.ChipId, c.DestinationCountry, c.ConsigneeId, c.EndUserId, c.BillToId, c.ShipToId, c.PayerId,
                c.AuthorisationNumber, check.Result, requirement.ReasonCode, check.Detail, c.ViaAssembly, Who(c), c.At, countedAgainst));
        });

    /// <summary>The consignee's and the end user's answers: a requirement beats an undetermined answer beats none.</summary>
    internal static LicenceAnswer Stricter(LicenceAnswer consignee, LicenceAnswer endUser) =>
        consignee.Required ? consignee
        : endUser.Required ? endUser
        : consignee.Verdict == LicenceVerdict.Undetermined ? consignee
        : endUser;
}
