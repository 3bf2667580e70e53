using ChipRegistry.Domain.Gs1;

namespace ChipRegistry.Api.Epcis;

/// <summary>An SGTIN: the GTIN-14 it belongs to and the serial (URN-decoded).</summary>
public sealed record Sgtin(string Gtin, string Serial);

/// <summary>
/// The identifiers an EPCIS document may use for what the registry tracks (docs/epcis-mapping.md, "Identifiers"):
/// SGTINs as EPC URNs or GS1 Digital Link URIs for chips, and the registry's own URNs for parties, places and assemblies.
/// </summary>
public static class EpcisIdentifiers
{
    public const string SgtinUrn = "urn:epc:id:sgtin:";
    public const string OrganisationUrn = "urn:chipregistry:organisation:";
    public const string FacilityUrn = "urn:chipregistry:facility:";
    public const string RackUrn = "urn:chipregistry:rack:";
    public const string CountryUrn = "urn:chipregistry:country:";
    public const string AssemblyUrn = "urn:chipregistry:assembly:";
    public const string LicenceUrn = "urn:chipregistry:licence:";
    public const string NotificationUrn = "urn:chipregistry:notification:";

    private static readonly string[] DigitalLinkHosts = ["https://id.gs1.org/01/", "http://id.gs1.org/01/"];

    /// <summary>The SGTIN <paramref name="epc"/> names, or null for any other identifier (SSCC, GIAI, a class, ...).</summary>
    public static Sgtin? ParseSgtin(string? epc)
    {
        if (epc is null) return null;
        if (epc.StartsWith(SgtinUrn, StringComparison.Ordinal))
        {
            var parts = epc[SgtinUrn.Length..].Split('.', 3);
            if (parts.Length != 3) return null;
            var gtin = Gtins.FromSgtinParts(parts[0], parts[1]);
            return gtin is null ? null : new Sgtin(gtin, Uri.UnescapeDataString(parts[2]));
        }
        foreach (var host in DigitalLinkHosts)
        {
            if (!epc.StartsWith(host, StringComparison.Ordinal)) continue;
            var rest = epc[host.Length..];
            var query = rest.IndexOf('?', StringComparison.Ordinal);
            if (query >= 0) rest = rest[..query];
            var segments = rest.Split('/');
            if (segments.Length != 3 || segments[1] != "21" || !Gtins.IsGtin14(segments[0])) return null;
            return new Sgtin(segments[0], Uri.UnescapeDataString(segments[2]));
        }
        return null;
    }

    /// <summary>The SGTIN URN of a GTIN-14 under a company prefix and a serial (export).</summary>
    public static string SgtinOf(string gtin, string companyPrefix, string serial) =>
        $"{SgtinUrn}{companyPrefix}.{gtin[0]}{gtin[(1 + companyPrefix.Length)..13]}.{Uri.EscapeDataString(serial)}";

    /// <summary>The id after one of the registry's URN prefixes, or null.</summary>
    public static string? Registry(string? uri, string prefix) =>
        uri is not null && uri.StartsWith(prefix, StringComparison.Ordinal) && uri.Length > prefix.Length ? uri[prefix.Length..] : null;

    /// <summary>A rack readPoint: facility, cluster, rack.</summary>
    public static (string FacilityId, string ClusterId, string Rack)? Rack(string? uri)
    {
        var parts = Registry(uri, RackUrn)?.Split(':', 3);
        return parts is { Length: 3 } && parts.All(p => p.Length > 0) ? (parts[0], parts[1], parts[2]) : null;
    }
}
