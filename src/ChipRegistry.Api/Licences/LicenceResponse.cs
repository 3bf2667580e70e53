using ChipRegistry.Domain.Licences;

namespace ChipRegistry.Api.Licences;

public sealed record RevocationResponse(string Reason, DateOnly EffectiveFrom, string AgencyId);

public sealed record LicenceResponse(
    string LicenceId, string Number, string HolderId, string ConsigneeId, string EndUserId, string Destination,
    IReadOnlyList<string> ModelIds, int Quantity, DateOnly ValidFrom, DateOnly ValidUntil, string GrantedBy, RevocationResponse? Revocation)
{
    public static LicenceResponse From(Licence licence) => new(
        licence.Id, licence.Number, licence.HolderId, licence.ConsigneeId, licence.EndUserId, licence.Destination,
        licence.ModelIds, licence.Quantity, licence.ValidFrom.ToDateOnly(), licence.ValidUntil.ToDateOnly(), licence.GrantedBy,
        licence.Revocation is { } r ? new RevocationResponse(r.Reason, r.EffectiveFrom.ToDateOnly(), r.AgencyId) : null);

    public static readonly LicenceResponse Example = new(
        "lic-2026-0042", "D1234567", "dist-1", "op-kl", "op-kl", "MY", ["nvidia-h100-sxm"], 512,
        new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31), "bis", null);
}
