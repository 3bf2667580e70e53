using ChipRegistry.Domain.Gs1;
using NodaTime;

namespace ChipRegistry.Api.Gs1;

public sealed record CompanyPrefixResponse(string CompanyPrefix, string ManufacturerId, string GrantedBy, Instant GrantedAt)
{
    public static CompanyPrefixResponse From(CompanyPrefix prefix) => new(prefix.Prefix, prefix.ManufacturerId, prefix.GrantedBy, prefix.GrantedAt);

    public static readonly CompanyPrefixResponse Example = new("0614141", "nvidia", "registry", Instant.FromUtc(2026, 12, 6, 9, 0));
}

public sealed record GtinResponse(string Gtin, string CompanyPrefix, string ModelId, string ManufacturerId, string MappedBy, Instant MappedAt)
{
    public static GtinResponse From(GtinMapping gtin) => new(gtin.Gtin, gtin.CompanyPrefix, gtin.ModelId, gtin.ManufacturerId, gtin.MappedBy, gtin.MappedAt);

    public static readonly GtinResponse Example = new("10614141073464", "0614141", "nvidia-h100-sxm", "nvidia", "nvidia", Instant.FromUtc(2026, 12, 6, 9, 5));
}
