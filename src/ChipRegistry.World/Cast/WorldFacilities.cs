using Bogus;
using NodaTime;

namespace ChipRegistry.World.Cast;

/// <summary>A site of the world: its operator, where it is, its declared power and its clusters.</summary>
public sealed record WorldFacility(
    string Id, string OperatorId, string Name, string Country, decimal Latitude, decimal Longitude, decimal DeclaredPowerMw,
    IReadOnlyList<string> Clusters, Instant OpenedAt)
{
    public bool IsColossus => Id == WorldFacilities.ColossusId;
}

/// <summary>A later declaration of a site's power (a site that grows).</summary>
public sealed record WorldPowerDeclaration(string FacilityId, decimal DeclaredPowerMw, Instant At);

/// <summary>
/// The sites, on every continent (one on Antarctica): coordinates are a city's, moved a few kilometres by the seed;
/// declared power comes from the seed too. One of them is Colossus-scale: a US operator's site of 150 MW, declared
/// 300 MW from 2025.
/// </summary>
public sealed class WorldFacilities
{
    public const string ColossusId = "colossus-memphis";

    private static readonly (string Id, string Operator, string City, string Country, double Lat, double Lon)[] Sites =
    [
        (ColossusId, WorldOrganisations.ColossusOperator, "Memphis", "US", 35.06, -90.03),
        ("use-ashburn", "cloud-us-east", "Ashburn", "US", 39.04, -77.49),
        ("use-columbus", "cloud-us-east", "Columbus", "US", 39.96, -83.00),
        ("usw-hillsboro", "cloud-us-west", "Hillsboro", "US", 45.52, -122.99),
        ("usw-phoenix", "cloud-us-west", "Phoenix", "US", 33.45, -112.07),
        ("ca-montreal", "op-ca", "Montreal", "CA", 45.50, -73.57),
        ("mx-queretaro", "op-mx", "Queretaro", "MX", 20.59, -100.39),
        ("br-sao-paulo", "op-br", "Sao Paulo", "BR", -23.55, -46.63),
        ("cl-santiago", "op-cl", "Santiago", "CL", -33.45, -70.67),
        ("de-frankfurt", "op-de", "Frankfurt", "DE", 50.11, 8.68),
        ("de-berlin", "op-de", "Berlin", "DE", 52.52, 13.40),
        ("fr-paris", "op-fr", "Paris", "FR", 48.86, 2.35),
        ("ie-dublin", "op-ie", "Dublin", "IE", 53.35, -6.26),
        ("nl-amsterdam", "op-nl", "Amsterdam", "NL", 52.37, 4.90),
        ("se-lulea", "op-se", "Lulea", "SE", 65.58, 22.15),
        ("jp-tokyo", "op-jp", "Tokyo", "JP", 35.68, 139.69),
        ("jp-osaka", "op-jp", "Osaka", "JP", 34.69, 135.50),
        ("kr-seoul", "op-kr", "Seoul", "KR", 37.57, 126.98),
        ("tw-taoyuan", "op-tw", "Taoyuan", "TW", 24.99, 121.30),
        ("sg-jurong", "op-sg", "Jurong", "SG", 1.33, 103.74),
        ("my-johor", "op-my", "Johor Bahru", "MY", 1.49, 103.74),
        ("my-cyberjaya", "op-my", "Cyberjaya", "MY", 2.92, 101.65),
        ("in-mumbai", "op-in", "Mumbai", "IN", 19.08, 72.88),
        ("cn-beijing", "op-cn-1", "Beijing", "CN", 39.90, 116.40),
        ("cn-ulanqab", "op-cn-1", "Ulanqab", "CN", 41.00, 113.13),
        ("cn-shanghai", "op-cn-2", "Shanghai", "CN", 31.23, 121.47),
        ("cn-guian", "op-cn-2", "Gui'an", "CN", 26.65, 106.63),
        ("ae-abu-dhabi", "op-ae", "Abu Dhabi", "AE", 24.45, 54.38),
        ("sa-riyadh", "op-sa", "Riyadh", "SA", 24.71, 46.68),
        ("za-johannesburg", "op-za", "Johannesburg", "ZA", -26.20, 28.05),
        ("ke-nairobi", "op-ke", "Nairobi", "KE", -1.29, 36.82),
        ("ng-lagos", "op-ng", "Lagos", "NG", 6.52, 3.38),
        ("au-sydney", "op-au", "Sydney", "AU", -33.87, 151.21),
        ("aq-mcmurdo", "polar-compute", "McMurdo", "AQ", -77.85, 166.67),
    ];

    public WorldFacilities(int seed)
    {
        var random = new Randomizer(unchecked(seed * 31 + 7));
        All = [.. Sites.Select(s =>
        {
            var colossus = s.Id == ColossusId;
            var clusterCount = colossus ? 4 : random.Int(2, 4);
            return new WorldFacility(
                s.Id, s.Operator, $"{s.City} {(colossus ? "Colossus" : "Compute Campus")}", s.Country,
                Math.Round((decimal)(s.Lat + random.Double(-0.05, 0.05)), 5), Math.Round((decimal)(s.Lon + random.Double(-0.05, 0.05)), 5),
                colossus ? 150m : s.Country == "AQ" ? 2m : random.Int(8, 120),
                [.. Enumerable.Range(1, clusterCount).Select(n => $"{s.Id}-c{n}")],
                colossus ? Instant.FromUtc(2023, 6, 1, 0, 0) : WorldSettings.Start);
        })];
        ById = All.ToDictionary(f => f.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<WorldFacility> All { get; }

    public IReadOnlyDictionary<string, WorldFacility> ById { get; }

    public WorldFacility Colossus => ById[ColossusId];

    public static IReadOnlyList<WorldPowerDeclaration> PowerDeclarations { get; } =
    [
        new(ColossusId, 300m, Instant.FromUtc(2025, 3, 1, 0, 0)),
        new("sg-jurong", 60m, Instant.FromUtc(2024, 2, 1, 0, 0)),
    ];
}
