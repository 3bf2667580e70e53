using ChipRegistry.Domain;
using ChipRegistry.Domain.Catalog;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.World.Cast;
using NodaTime;

namespace ChipRegistry.World.Tests;

public sealed class WorldGenerationTests(GeneratedWorldFixture fixture) : IClassFixture<GeneratedWorldFixture>
{
    private static int Chips => GeneratedWorldFixture.Chips;

    [Fact]
    public async Task the_same_seed_gives_the_same_streams_in_two_schemas()
    {
        var first = await StreamsAsync(fixture.First);
        var second = await StreamsAsync(fixture.Second);

        Assert.True(first.Count > Chips * 5, $"only {first.Count} events");
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++) Assert.Equal(first[i], second[i]);
    }

    [Fact]
    public void the_domain_refuses_none_of_the_world_and_every_chip_is_made()
    {
        Assert.Equal(0, fixture.First.Report.Refusals);
        Assert.Equal(Chips, fixture.First.Report.Chips);
        Assert.Equal(fixture.First.Report.Events, fixture.Second.Report.Events);
    }

    [Fact]
    public async Task every_chip_the_world_reports_has_a_stream()
    {
        var chips = await fixture.First.RowsAsync($"select count(*) from {fixture.First.Table("streams")} where type = 'chip'", r => r.GetInt64(0));
        Assert.True(fixture.First.Report.InjectedChips > 0);
        Assert.Equal(Chips + fixture.First.Report.InjectedChips, chips.Single());
    }

    [Fact]
    public async Task the_colossus_site_holds_a_tenth_of_the_world_as_installed_h100_and_no_other_site_a_twentieth()
    {
        var installed = await fixture.First.RowsAsync(
            $"select facility_id, model_id, count(*) from {fixture.First.Table("chip_state")} where stage = 'installed' group by facility_id, model_id",
            r => (Facility: r.GetString(0), Model: r.GetString(1), Count: r.GetInt64(2)));

        var colossus = installed.Where(i => i.Facility == WorldFacilities.ColossusId).ToList();
        Assert.Equal([(WorldFacilities.ColossusId, CatalogSeed.H100Sxm.ModelId, (long)Chips / 10)], colossus);
        var others = installed.Where(i => i.Facility != WorldFacilities.ColossusId).GroupBy(i => i.Facility).Select(g => (g.Key, Count: g.Sum(i => i.Count))).ToList();
        Assert.NotEmpty(others);
        Assert.All(others, site => Assert.True(site.Count <= Chips / 20, $"{site.Key} holds {site.Count} chips"));
    }

    [Fact]
    public async Task the_colossus_site_is_a_us_operators_of_at_least_150_mw_and_replaces_an_rma_the_same_day()
    {
        var site = await fixture.First.RowsAsync(
            $"select data->>'operator_id', data->>'country', (data->>'declared_power_mw')::numeric from {fixture.First.Table("events")} where stream_key = '{StreamKeys.Facility(WorldFacilities.ColossusId)}' and type = 'facility_registered'",
            r => (Operator: r.GetString(0), Country: r.GetString(1), Power: r.GetDecimal(2)));
        Assert.Equal((WorldOrganisations.ColossusOperator, "US"), (site.Single().Operator, site.Single().Country));
        Assert.True(site.Single().Power >= 150m);

        // Each day a chip leaves the site, as many are installed there that day.
        var days = await fixture.First.RowsAsync(
            $"""
            select (occurred_at at time zone 'UTC')::date, count(*) filter (where type = 'chip_removed'), count(*) filter (where type = 'chip_installed')
            from {fixture.First.Table("events")}
            where type in ('chip_removed', 'chip_installed') and data->>'facility_id' = '{WorldFacilities.ColossusId}'
            group by 1 having count(*) filter (where type = 'chip_removed') > 0
            """,
            r => (Day: r.GetFieldValue<LocalDate>(0), Removed: r.GetInt64(1), Installed: r.GetInt64(2)));
        Assert.NotEmpty(days);
        Assert.All(days, d => Assert.True(d.Installed >= d.Removed, $"{d.Day}: {d.Removed} removed, {d.Installed} installed"));
    }

    [Fact]
    public async Task every_event_type_of_a_chips_life_appears()
    {
        var types = (await fixture.First.RowsAsync($"select distinct type from {fixture.First.Table("events")}", r => r.GetString(0))).ToHashSet(StringComparer.Ordinal);

        // Packing belongs to assemblies, which the world does not build yet.
        var lifecycle = DomainEventNames.ByType.Where(p => typeof(IChipEvent).IsAssignableFrom(p.Key) && p.Key != typeof(ChipPacked) && p.Key != typeof(ChipUnpacked)).Select(p => p.Value);
        Assert.All(lifecycle, type => Assert.Contains(type, types));
    }

    [Fact]
    public async Task every_act_of_the_world_is_dated_inside_its_timeline()
    {
        var bounds = await fixture.First.RowsAsync($"select min(occurred_at), max(occurred_at) from {fixture.First.Table("events")} e join {fixture.First.Table("streams")} s on s.key = e.stream_key where s.type = 'chip'",
            r => (First: r.GetFieldValue<Instant>(0), Last: r.GetFieldValue<Instant>(1)));
        Assert.True(bounds.Single().First >= WorldSettings.Start);
        Assert.True(bounds.Single().Last < WorldSettings.End);
    }

    private static Task<List<(string Key, long Version, string Type, string Data, Instant OccurredAt)>> StreamsAsync(GeneratedWorld world) =>
        world.RowsAsync($"select stream_key, version, type, data::text, occurred_at from {world.Table("events")} order by stream_key, version",
            r => (r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetFieldValue<Instant>(4)));
}
