using ChipRegistry.Domain.Licences;

namespace ChipRegistry.Api.Licences;

public sealed record RevocationResponse(string Reason, DateOnly EffectiveFrom, string AgencyId);

/// <summary>
/// Chips shipped citing the licence's number (voided shipments excepted) and what its quantity leaves: the count a
/// shipment's licence check reads. <see cref="Remaining"/> is never below zero; a shipment over the quantity is
/// recorded (quantity_exceeded) and counted all the same.
/// </summary>
public sealed record LicenceUsageResponse(int Shipped, int Remaining)
{
    public static LicenceUsageResponse Of(int quantity, int shipped) => new(shipped, Math.Max(0, quantity - shipped));
}

public sealed record LicenceResponse(
    string LicenceId, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, DateOnly ValidFrom, DateOnly ValidUntil, string GrantedBy, RevocationResponse? Revocation,
    LicenceUsageResponse Usage)
{
    /// <summary>The licence with <paramref name="shipped"/> chips counted against it (<c>licence_usage</c> of its number).</summary>
    public static LicenceResponse From(Licence licence, int shipped) => new(
        licence.Id, licence.Number, licence.HolderId, licence.ConsigneeId, licence.EndUserId, licence.Destination,
        licence.ModelIds, licence.Quantity, licence.ValidFrom.ToDateOnly(), licence.ValidUntil.ToDateOnly(), licence.GrantedBy,
        licence.Revocation is { } r ? new RevocationResponse(r.Reason, r.EffectiveFrom.ToDateOnly(), r.AgencyId) : null,
        LicenceUsageResponse.Of(licence.Quantity, shipped));

    /// <summary>The licence with its usage read now.</summary>
    public static async Task<LicenceResponse> WithUsageAsync(Domain.Persistence.RegistryReads reads, Licence licence, CancellationToken cancellationToken) =>
        From(licence, await reads.CountShippedUnderLicenceAsync(licence.Number, cancellationToken));

    public static readonly LicenceResponse Example = new(
        "lic-2026-0042", "D1234567", "dist-1", "op-kl", "op-kl", "MY", ["nvidia-h100-sxm"], 512,
        new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31), "bis", null, new LicenceUsageResponse(40, 472));
}
