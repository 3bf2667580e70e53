using ChipRegistry.Domain.Policy;
using NodaTime;

namespace ChipRegistry.Domain.Licences;

public enum LicenceCheckResult
{
    Ok,
    NoneNeeded,
    Missing,
    Expired,
    Revoked,
    ModelNotCovered,
    QuantityExceeded,
    ConsigneeMismatch,
}

public static class LicenceCheckResultNames
{
    public static string ToCode(this LicenceCheckResult r) => r switch
    {
        LicenceCheckResult.Ok => "ok",
        LicenceCheckResult.NoneNeeded => "none_needed",
        LicenceCheckResult.Missing => "missing",
        LicenceCheckResult.Expired => "expired",
        LicenceCheckResult.Revoked => "revoked",
        LicenceCheckResult.ModelNotCovered => "model_not_covered",
        LicenceCheckResult.QuantityExceeded => "quantity_exceeded",
        LicenceCheckResult.ConsigneeMismatch => "consignee_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(r), r, null),
    };
}

/// <summary>
/// What a shipment cites and what the check needs to judge it: the requirement answer for this shipment,
/// the cited licence (or NAC notification) as known on the ship date, and how many chips were already shipped
/// under that licence (from the licence's usage projection).
/// </summary>
public sealed record LicenceCheckInput(
    LicenceAnswer Requirement,
    string ModelId,
    string ConsigneeId,
    int Quantity,
    LocalDate ShipDate,
    Licence? Licence,
    int AlreadyShippedUnderLicence,
    ExportNotification? Notification = null);

public sealed record LicenceCheckOutcome(LicenceCheckResult Result, string Detail);

public static class LicenceCheck
{
    /// <summary>
    /// Judges a shipment's authorisation. An <see cref="LicenceVerdict.Undetermined"/> requirement is treated as a
    /// requirement (the registry does not assume an unknown input lets a chip go). The failures are reported in a
    /// fixed order: missing, revoked, expired, model not covered, consignee mismatch, quantity exceeded.
    /// </summary>
    public static LicenceCheckOutcome Check(LicenceCheckInput input)
    {
        if (input.Requirement.Verdict == LicenceVerdict.NotRequired)
        {
            return new(LicenceCheckResult.NoneNeeded, $"no licence required: {input.Requirement.Reason}");
        }
        if (input.Licence is null && input.Notification is { } n && input.Requirement.Exception == LicenceExceptionPath.NacEligible)
        {
            if (n.ModelId != input.ModelId) return new(LicenceCheckResult.ModelNotCovered, $"notification {n.Number} is for {n.ModelId}, not {input.ModelId}");
            if (n.ConsigneeId != input.ConsigneeId) return new(LicenceCheckResult.ConsigneeMismatch, $"notification {n.Number} names another consignee, not {input.ConsigneeId}");
            return new(LicenceCheckResult.Ok, $"NAC notification {n.Number}");
        }
        if (input.Licence is not { } licence)
        {
            return new(LicenceCheckResult.Missing, $"a licence is required ({input.Requirement.ReasonCode}) and none is cited");
        }
        if (licence.RevokedOn(input.ShipDate))
        {
            return new(LicenceCheckResult.Revoked, $"licence {licence.Number} revoked from {licence.Revocation!.EffectiveFrom:yyyy-MM-dd}");
        }
        if (!licence.ValidOn(input.ShipDate))
        {
            return new(LicenceCheckResult.Expired, $"licence {licence.Number} valid {licence.ValidFrom:yyyy-MM-dd}..{licence.ValidUntil:yyyy-MM-dd}, shipped {input.ShipDate:yyyy-MM-dd}");
        }
        if (!licence.CoversModel(input.ModelId))
        {
            return new(LicenceCheckResult.ModelNotCovered, $"licence {licence.Number} does not cover {input.ModelId}");
        }
        if (licence.ConsigneeId != input.ConsigneeId)
        {
            return new(LicenceCheckResult.ConsigneeMismatch, $"licence {licence.Number} names another consignee, not {input.ConsigneeId}");
        }
        if (input.AlreadyShippedUnderLicence + input.Quantity > licence.Quantity)
        {
            return new(LicenceCheckResult.QuantityExceeded, $"licence {licence.Number} allows {licence.Quantity}; {input.AlreadyShippedUnderLicence} shipped before, {input.Quantity} now");
        }
        return new(LicenceCheckResult.Ok, $"licence {licence.Number}");
    }
}
