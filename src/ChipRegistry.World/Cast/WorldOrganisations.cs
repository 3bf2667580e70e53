using Bogus;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Cast;

/// <summary>An organisation of the world: its id and kind are fixed by the cast, its name comes from the seed.</summary>
public sealed record WorldOrganisation(string Id, string Name, OrganisationKind Kind, string Country, LocalDate FoundedOn)
{
    public Actor Actor => new(Id, Kind);
}

/// <summary>An effective-dated parent link, recorded at <see cref="RecordedOn"/> (later than it takes effect when backdated).</summary>
public sealed record WorldParentLink(string OrganisationId, string? ParentId, LocalDate EffectiveFrom, LocalDate RecordedOn);

/// <summary>
/// Who is in the world: manufacturers, distributors and forwarders in many countries, data-center and cloud operators on
/// every continent, cloud tenants, the groups that own them (some headquartered in D:5 countries or Macau) and an agency.
/// </summary>
public sealed class WorldOrganisations
{
    public const string Nvidia = "nvidia";
    public const string Amd = "amd";
    public const string Intel = "intel";
    public const string Huawei = "huawei";
    public const string Cambricon = "cambricon";
    public const string Agency = "bis";
    public const string ColossusOperator = "memphis-ai";
    public const string ChinaHolding = "cn-holding";
    public const string MacauHolding = "mo-holding";

    private static readonly LocalDate Long = new(2005, 1, 1);

    private static readonly (string Id, OrganisationKind Kind, string Country, LocalDate Founded)[] Members =
    [
        (Nvidia, OrganisationKind.Manufacturer, "US", new(1993, 4, 5)),
        (Amd, OrganisationKind.Manufacturer, "US", new(1969, 5, 1)),
        (Intel, OrganisationKind.Manufacturer, "US", new(1968, 7, 18)),
        (Huawei, OrganisationKind.Manufacturer, "CN", new(1987, 9, 15)),
        (Cambricon, OrganisationKind.Manufacturer, "CN", new(2016, 3, 15)),
        (Agency, OrganisationKind.Agency, "US", Long),

        // the groups at the top of parent chains
        ("us-hyper-holdings", OrganisationKind.EndUser, "US", Long),
        (ChinaHolding, OrganisationKind.EndUser, "CN", Long),
        (MacauHolding, OrganisationKind.EndUser, "MO", new(2012, 6, 1)),
        ("ru-group", OrganisationKind.EndUser, "RU", Long),

        ("dist-us", OrganisationKind.Distributor, "US", Long),
        ("dist-de", OrganisationKind.Distributor, "DE", Long),
        ("dist-jp", OrganisationKind.Distributor, "JP", Long),
        ("dist-sg", OrganisationKind.Distributor, "SG", Long),
        ("dist-my", OrganisationKind.Distributor, "MY", new(2019, 2, 1)),
        ("dist-hk", OrganisationKind.Distributor, "HK", Long),
        ("dist-ae", OrganisationKind.Distributor, "AE", Long),
        ("dist-in", OrganisationKind.Distributor, "IN", Long),
        ("dist-br", OrganisationKind.Distributor, "BR", Long),
        ("dist-za", OrganisationKind.Distributor, "ZA", Long),
        ("dist-au", OrganisationKind.Distributor, "AU", Long),
        ("dist-cn", OrganisationKind.Distributor, "CN", Long),
        ("dist-ru", OrganisationKind.Distributor, "RU", Long),

        ("fwd-sg", OrganisationKind.Forwarder, "SG", Long),
        ("fwd-my", OrganisationKind.Forwarder, "MY", Long),
        ("fwd-th", OrganisationKind.Forwarder, "TH", Long),
        ("fwd-ae", OrganisationKind.Forwarder, "AE", Long),
        ("fwd-hk", OrganisationKind.Forwarder, "HK", Long),

        (ColossusOperator, OrganisationKind.Operator, "US", new(2023, 3, 9)),
        ("cloud-us-east", OrganisationKind.Operator, "US", Long),
        ("cloud-us-west", OrganisationKind.Operator, "US", Long),
        ("op-ca", OrganisationKind.Operator, "CA", Long),
        ("op-mx", OrganisationKind.Operator, "MX", Long),
        ("op-br", OrganisationKind.Operator, "BR", Long),
        ("op-cl", OrganisationKind.Operator, "CL", Long),
        ("op-de", OrganisationKind.Operator, "DE", Long),
        ("op-fr", OrganisationKind.Operator, "FR", Long),
        ("op-ie", OrganisationKind.Operator, "IE", Long),
        ("op-nl", OrganisationKind.Operator, "NL", Long),
        ("op-se", OrganisationKind.Operator, "SE", Long),
        ("op-jp", OrganisationKind.Operator, "JP", Long),
        ("op-kr", OrganisationKind.Operator, "KR", Long),
        ("op-tw", OrganisationKind.Operator, "TW", Long),
        ("op-sg", OrganisationKind.Operator, "SG", Long),
        ("op-my", OrganisationKind.Operator, "MY", new(2021, 8, 1)),
        ("op-in", OrganisationKind.Operator, "IN", Long),
        ("op-cn-1", OrganisationKind.Operator, "CN", Long),
        ("op-cn-2", OrganisationKind.Operator, "CN", Long),
        ("op-ae", OrganisationKind.Operator, "AE", Long),
        ("op-sa", OrganisationKind.Operator, "SA", Long),
        ("op-za", OrganisationKind.Operator, "ZA", Long),
        ("op-ke", OrganisationKind.Operator, "KE", Long),
        ("op-ng", OrganisationKind.Operator, "NG", Long),
        ("op-au", OrganisationKind.Operator, "AU", Long),
        ("polar-compute", OrganisationKind.Operator, "NZ", Long),

        ("tenant-us-lab", OrganisationKind.EndUser, "US", Long),
        ("tenant-de-research", OrganisationKind.EndUser, "DE", Long),
        ("tenant-jp-robotics", OrganisationKind.EndUser, "JP", Long),
        ("tenant-in-startup", OrganisationKind.EndUser, "IN", new(2023, 1, 10)),
        ("tenant-br-fintech", OrganisationKind.EndUser, "BR", Long),
        ("tenant-sg-ai-labs", OrganisationKind.EndUser, "SG", new(2021, 5, 1)),
        // the same group's new entity, after the Singapore one drew attention (entity churn)
        ("tenant-my-ai-labs", OrganisationKind.EndUser, "MY", new(2025, 2, 1)),
    ];

    /// <summary>
    /// Ownership over time: subsidiaries of groups abroad, a Malaysian distributor bought by a Chinese group (so its
    /// imports need licences from 2023-11-17), an acquisition, and a parent change recorded months after it took effect.
    /// </summary>
    public static IReadOnlyList<WorldParentLink> ParentLinks { get; } =
    [
        new("cloud-us-east", "us-hyper-holdings", new(2015, 1, 1), new(2022, 1, 1)),
        new("cloud-us-west", "us-hyper-holdings", new(2015, 1, 1), new(2022, 1, 1)),
        new("tenant-sg-ai-labs", ChinaHolding, new(2021, 5, 1), new(2022, 1, 1)),
        new("dist-ru", "ru-group", new(2010, 1, 1), new(2022, 1, 1)),
        new("op-cn-2", ChinaHolding, new(2016, 1, 1), new(2022, 1, 1)),
        new("dist-my", ChinaHolding, new(2023, 6, 1), new(2023, 6, 1)),
        new("op-de", "us-hyper-holdings", new(2024, 1, 1), new(2024, 1, 1)),
        new("op-ae", MacauHolding, new(2024, 9, 1), new(2025, 1, 10)),
        new("tenant-my-ai-labs", ChinaHolding, new(2025, 2, 1), new(2025, 2, 1)),
        new("op-my", "dist-my", new(2023, 9, 1), new(2023, 9, 1)),
    ];

    /// <summary>The cloud operators, which rent installed chips to tenants.</summary>
    public static IReadOnlySet<string> Clouds { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "cloud-us-east", "cloud-us-west", "op-de", "op-jp", "op-sg", "op-my", "op-ae", "op-in",
    };

    public WorldOrganisations(int seed)
    {
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        All = [.. Members.Select(m => new WorldOrganisation(m.Id, NameOf(m.Id, m.Kind, faker), m.Kind, m.Country, m.Founded))];
        ById = All.ToDictionary(o => o.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<WorldOrganisation> All { get; }

    public IReadOnlyDictionary<string, WorldOrganisation> ById { get; }

    public WorldOrganisation this[string id] => ById[id];

    public IEnumerable<WorldOrganisation> OfKind(OrganisationKind kind) => All.Where(o => o.Kind == kind);

    /// <summary>A distributor in the country, or the region's hub when the country has none.</summary>
    public WorldOrganisation DistributorFor(string country) =>
        All.FirstOrDefault(o => o.Kind == OrganisationKind.Distributor && o.Country == country)
        ?? this[country switch
        {
            "CA" or "MX" => "dist-us",
            "CL" => "dist-br",
            "FR" or "IE" or "NL" or "SE" => "dist-de",
            "KR" or "TW" => "dist-jp",
            "SA" => "dist-ae",
            "KE" or "NG" => "dist-za",
            "NZ" or "AQ" => "dist-au",
            _ => "dist-sg",
        }];

    private static string NameOf(string id, OrganisationKind kind, Faker faker) => id switch
    {
        Nvidia => "NVIDIA",
        Amd => "AMD",
        Intel => "Intel",
        Huawei => "Huawei",
        Cambricon => "Cambricon",
        Agency => "Bureau of Industry and Security",
        ColossusOperator => "Memphis AI Compute",
        _ => $"{faker.Company.CompanyName()} {Suffix(kind)}",
    };

    private static string Suffix(OrganisationKind kind) => kind switch
    {
        OrganisationKind.Distributor => "Distribution",
        OrganisationKind.Forwarder => "Logistics",
        OrganisationKind.Operator => "Data Centers",
        _ => "Group",
    };
}
