using Bogus;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Lots;

/// <summary>
/// The world's lots in fabrication order, made one at a time (nothing of a lot is kept once the next is asked for but
/// each site's count of chips planned there). Colossus lots are made in the first half of 2024; the others spread over
/// the timeline, each with a model its destination could get on that date, so every rule change is crossed.
/// </summary>
internal sealed class LotPlanner(WorldSettings settings, WorldFacilities facilities)
{
    private static readonly Instant ColossusFrom = Instant.FromUtc(2024, 1, 15, 0, 0);
    private static readonly Instant ColossusUntil = Instant.FromUtc(2024, 7, 1, 0, 0);
    private static readonly Instant OthersUntil = Instant.FromUtc(2026, 4, 1, 0, 0);

    private readonly Dictionary<string, int> plannedAt = new(StringComparer.Ordinal);

    // Rule 14 watches H100e per facility, per operator with a parent and per ultimate parent, against the site threshold
    // the world sets to a tenth of the world: every site but Colossus, and every group of operators under one parent,
    // is kept at or below a twentieth in H100e too (a B200 counts more than one H100).
    private readonly Dictionary<string, decimal> h100eAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> h100eUnder = new(StringComparer.Ordinal);

    public int Spares => Math.Max(1, settings.LotSize / 50);

    public IEnumerable<LotPlan> Lots()
    {
        var perColossusLot = settings.LotSize - Spares;
        var colossusLots = settings.ColossusInstalled == 0 ? 0 : (settings.ColossusInstalled + perColossusLot - 1) / perColossusLot;
        var others = Math.Max(0, settings.Chips - settings.ColossusInstalled - colossusLots * Spares);
        var otherLots = (others + settings.LotSize - 1) / settings.LotSize;
        int c = 0, o = 0;
        while (c < colossusLots || o < otherLots)
        {
            var colossusAt = c < colossusLots ? Spread(ColossusFrom, ColossusUntil, c, colossusLots) : Instant.MaxValue;
            var otherAt = o < otherLots ? Spread(WorldSettings.Start.Plus(Duration.FromDays(3)), OthersUntil, o, otherLots) : Instant.MaxValue;
            var number = c + o + 1;
            if (colossusAt <= otherAt)
            {
                var installed = c == colossusLots - 1 ? settings.ColossusInstalled - perColossusLot * c : perColossusLot;
                c++;
                yield return Colossus(number, colossusAt, installed);
            }
            else
            {
                var size = o == otherLots - 1 ? others - settings.LotSize * o : settings.LotSize;
                o++;
                yield return Other(number, otherAt, size);
            }
        }
    }

    private static Instant Spread(Instant from, Instant until, int index, int count) =>
        from.Plus(Duration.FromSeconds((until - from).TotalSeconds * (index + 0.5) / count)).Plus(Duration.FromHours(index % 7));

    private LotPlan Colossus(int number, Instant at, int installed) =>
        new(number, LotId(number), CatalogSeed.H100Sxm, WorldOrganisations.Nvidia, "TW", at, installed + Spares, LotRoute.Colossus,
            facilities.Colossus, installed, LotSeed(number));

    private LotPlan Other(int number, Instant at, int size)
    {
        var seed = LotSeed(number);
        var random = new Randomizer(seed);
        var roll = random.Double();
        var route = roll < 0.76 ? LotRoute.Installed : roll < 0.88 ? LotRoute.Stockpile : LotRoute.Transshipment;
        WorldFacility? facility = null;
        if (route == LotRoute.Installed)
        {
            var open = facilities.All.Where(f => !f.IsColossus && f.OpenedAt <= at && plannedAt.GetValueOrDefault(f.Id) + size <= settings.SiteCap).ToList();
            if (open.Count == 0) route = LotRoute.Stockpile;
            else
            {
                facility = random.ListItem(open);
                plannedAt[facility.Id] = plannedAt.GetValueOrDefault(facility.Id) + size;
            }
        }
        var model = ModelFor(facility?.Country ?? (route == LotRoute.Transshipment ? "HK" : "ANY"), at, random);
        if (facility is not null)
        {
            var weight = size * (Metrics.Compute(model).H100Equivalents ?? 0m);
            var group = UltimateParent(facility.OperatorId);
            if (h100eAt.GetValueOrDefault(facility.Id) + weight > settings.SiteCap || h100eUnder.GetValueOrDefault(group) + weight > settings.SiteCap)
            {
                plannedAt[facility.Id] -= size;
                (route, facility) = (LotRoute.Stockpile, null);
            }
            else
            {
                h100eAt[facility.Id] = h100eAt.GetValueOrDefault(facility.Id) + weight;
                h100eUnder[group] = h100eUnder.GetValueOrDefault(group) + weight;
            }
        }
        var manufacturer = model.ModelId[..model.ModelId.IndexOf('-', StringComparison.Ordinal)];
        var fabCountry = manufacturer is WorldOrganisations.Huawei or WorldOrganisations.Cambricon ? "CN" : "TW";
        return new LotPlan(number, LotId(number), model, manufacturer, fabCountry, at, size, route, facility, 0, seed);
    }

    /// <summary>
    /// A model the destination could get on the date: China gets what each rule left it (A100 before October 2022, the
    /// A800 and H800 under the 2022 rule, the H20 until its notice and after, domestic chips, the H200 under the 2026
    /// rule); elsewhere the generation of the day.
    /// </summary>
    private static AcceleratorSpec ModelFor(string country, Instant at, Randomizer random)
    {
        var date = at.InUtc().Date;
        AcceleratorSpec[] choice = country switch
        {
            "CN" when date < new LocalDate(2022, 10, 7) => [CatalogSeed.A100Sxm, CatalogSeed.A100Sxm, CatalogSeed.Rtx4090],
            "CN" when date < new LocalDate(2023, 10, 23) => [CatalogSeed.A800Sxm, CatalogSeed.H800Sxm, CatalogSeed.Ascend910B, CatalogSeed.Rtx4090],
            "CN" when date < new LocalDate(2024, 1, 1) => [CatalogSeed.A800Sxm, CatalogSeed.Ascend910B, ReferenceWorld.CambriconMlu370],
            "CN" when date < new LocalDate(2026, 1, 15) => [CatalogSeed.H20, CatalogSeed.H20, CatalogSeed.Ascend910B, CatalogSeed.Rtx4090D, ReferenceWorld.CambriconMlu370],
            "CN" => [CatalogSeed.H200Sxm, CatalogSeed.H20, CatalogSeed.Ascend910B],
            "HK" when date < new LocalDate(2024, 1, 1) => [CatalogSeed.A100Sxm, CatalogSeed.H100Sxm],
            "HK" => [CatalogSeed.H100Sxm, CatalogSeed.H200Sxm],
            _ when date < new LocalDate(2022, 10, 1) => [CatalogSeed.A100Sxm, CatalogSeed.A100Sxm, CatalogSeed.Rtx4090],
            _ when date < new LocalDate(2023, 6, 1) => [CatalogSeed.A100Sxm, CatalogSeed.H100Sxm, CatalogSeed.H100Sxm],
            _ when date < new LocalDate(2024, 6, 1) => [CatalogSeed.H100Sxm, CatalogSeed.H100Sxm, CatalogSeed.L40S, CatalogSeed.A100Sxm],
            _ when date < new LocalDate(2025, 3, 1) => [CatalogSeed.H100Sxm, CatalogSeed.H200Sxm, CatalogSeed.Mi300X, CatalogSeed.Gaudi3],
            _ => [CatalogSeed.H200Sxm, CatalogSeed.B200, CatalogSeed.Gb200PerGpu, CatalogSeed.Mi300X, CatalogSeed.Gaudi3],
        };
        return random.ArrayElement(choice);
    }

    /// <summary>The operator's parent at the top of its chain, whenever each link takes effect (the stricter grouping).</summary>
    private static string UltimateParent(string organisationId)
    {
        var id = organisationId;
        while (WorldOrganisations.ParentLinks.LastOrDefault(l => l.OrganisationId == id)?.ParentId is { } parent) id = parent;
        return id;
    }

    private string LotId(int number) => $"{settings.Tag}-lot-{number:D6}";

    private int LotSeed(int number) => unchecked(settings.Seed * 1_000_003 + number * 7919);
}
