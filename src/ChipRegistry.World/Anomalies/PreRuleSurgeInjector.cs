using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Organisations;
using NodaTime;

namespace ChipRegistry.World.Anomalies;

/// <summary>
/// Rule 7: a US distributor buys one H100 on the first of each month from December 2024 to July 2025, then 30 on
/// 2025-10-15, 92 days before the rule of 2026-01-15 (10 a month against a mean of 1). The near miss: another buys one a
/// month from July 2024 to January 2025, then 30 on 2025-04-20, before only the 2025 diffusion rule, which never took
/// effect. NVIDIA makes every chip on 2024-06-03, outside every rule's lead, so its own fabrications surge before none;
/// the chips stay in its custody (sold, not shipped).
/// </summary>
internal sealed class PreRuleSurgeInjector : IAnomalyInjector
{
    private const int Surge = 30;

    public int Rule => 7;

    public Instant At { get; } = Instant.FromUtc(2024, 6, 3, 10, 0);

    public Instant Last => Instant.FromUtc(2025, 10, 15, 10, 1);

    public async Task InjectAsync(AnomalyScene scene, CancellationToken cancellationToken)
    {
        var founded = new LocalDate(2015, 1, 1);
        var stocking = await scene.RegisterOrganisationAsync("stock-co", OrganisationKind.Distributor, "US", founded, At, cancellationToken);
        await BuyAsync(scene, stocking, "stock", new LocalDate(2024, 12, 1), 8, Instant.FromUtc(2025, 10, 15, 10, 0), cancellationToken);
        scene.Expect("organisation", stocking.OrganisationId, "30 chips bought on 2025-10-15 after one a month, 92 days before the rule of 2026-01-15");

        var calm = await scene.RegisterOrganisationAsync("calm-co", OrganisationKind.Distributor, "US", founded, At, cancellationToken);
        await BuyAsync(scene, calm, "calm", new LocalDate(2024, 7, 1), 7, Instant.FromUtc(2025, 4, 20, 10, 0), cancellationToken);
        scene.NearMiss("organisation", calm.OrganisationId, "30 chips bought on 2025-04-20 after one a month, before only the 2025 diffusion rule (never in force)");
    }

    /// <summary>One chip a month from <paramref name="firstMonth"/> for <paramref name="months"/> months, then <see cref="Surge"/> at once.</summary>
    private async Task BuyAsync(AnomalyScene scene, Actor buyer, string name, LocalDate firstMonth, int months, Instant surgeAt, CancellationToken cancellationToken)
    {
        var chips = await scene.FabricateAsync(name, CatalogSeed.H100Sxm, months + Surge, At, cancellationToken);
        for (var m = 0; m < months; m++)
        {
            var at = firstMonth.PlusMonths(m).At(new LocalTime(10, 0)).InUtc().ToInstant();
            await scene.SellAsync([chips[m]], scene.Nvidia, buyer, at, cancellationToken);
        }
        await scene.SellAsync([.. chips.Skip(months)], scene.Nvidia, buyer, surgeAt, cancellationToken);
    }
}
