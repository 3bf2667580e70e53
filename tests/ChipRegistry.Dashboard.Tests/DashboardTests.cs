using System.Net;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ChipRegistry.Dashboard.Tests;

/// <summary>
/// The agency dashboard in Debian's Chromium against the API on a loopback port, over a small generated world
/// (docs/dashboard.md). Every test saves a screenshot under the test results' dashboard/ folder.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private const string AsOfInThePast = "2024-06-30";

    [Theory]
    [InlineData("wrong", "This key was not accepted: it is wrong or has been revoked.")]
    [InlineData("revoked", "This key was not accepted: it is wrong or has been revoked.")]
    [InlineData("operator", "The dashboard is for agencies")]
    public async Task a_key_that_is_not_a_live_agency_key_is_told_why_at_sign_in(string which, string message)
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        var key = which switch
        {
            "wrong" => "crk_this-key-was-never-issued-0123456789",
            "revoked" => fixture.RevokedKey,
            _ => fixture.OperatorKey,
        };

        await browser.TryKeyAsync(key);

        var error = browser.Page.Locator("#sign-in-error");
        await Assertions.Expect(error).ToContainTextAsync(message);
        await Assertions.Expect(browser.Page.Locator("#nav")).ToBeHiddenAsync();
        Assert.Null(await browser.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('chipregistry.agencyKey')"));
        await browser.ScreenshotAsync($"sign-in-{which}-key");
    }

    [Fact]
    public async Task the_overview_shows_the_countries_and_top_facilities_the_api_reports_singapore_and_hong_kong_included()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();

        var countries = await CountriesAsync(asOf: null);
        Assert.True(countries.GetValueOrDefault("SG") > 0, "the arranged world has compute in Singapore");
        Assert.True(countries.GetValueOrDefault("HK") > 0, "the arranged world has compute in Hong Kong");
        var shown = await browser.TableValuesAsync("country-table", column: 2);
        Assert.Equal(countries.OrderBy(c => c.Key, StringComparer.Ordinal), shown.Select(row => KeyValuePair.Create(row.Key, row.Value)).OrderBy(c => c.Key, StringComparer.Ordinal));
        using var topFacilities = await fixture.GetJsonAsync("/api/v1/concentration/facility?top=10&status=installed", fixture.AgencyKey);
        var expected = topFacilities.RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => (g.GetProperty("key").GetString()!, g.GetProperty("h100Equivalents").GetDecimal()))
            .Where(g => !g.Item1.StartsWith('*')).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await browser.TableValuesAsync("top-facilities", column: 1));
        // The hubs are circles on the map, shaded like any country with compute.
        foreach (var hub in new[] { "SG", "HK" })
        {
            Assert.DoesNotContain("l0", await browser.Page.Locator($"circle[data-country='{hub}']").GetAttributeAsync("class") ?? "l0");
        }
        await browser.ScreenshotAsync("overview");
    }

    [Fact]
    public async Task the_date_control_moves_the_overview_to_the_as_of_answer()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();
        var now = await CountriesAsync(asOf: null);
        var then = await CountriesAsync(AsOfInThePast);
        Assert.NotEqual(now, then);

        await browser.Page.GetByLabel("Business date").FillAsync(AsOfInThePast);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await browser.WaitForPageAsync();

        await Assertions.Expect(browser.Page.Locator("#as-of-shown")).ToContainTextAsync(AsOfInThePast);
        var shown = await browser.TableValuesAsync("country-table", column: 2);
        Assert.Equal(then.OrderBy(c => c.Key, StringComparer.Ordinal), shown.Select(row => KeyValuePair.Create(row.Key, row.Value)).OrderBy(c => c.Key, StringComparer.Ordinal));
        await browser.ScreenshotAsync("overview-as-of");
    }

    [Fact]
    public async Task a_reviewed_flag_shows_its_new_status_after_a_reload()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();
        await browser.ShowAsync($"#/flags/{fixture.FlagId}");
        await Assertions.Expect(browser.Page.Locator("#review-state")).ToHaveTextAsync("not reviewed");

        await browser.Page.GetByLabel("Escalate").CheckAsync();
        await browser.Page.GetByLabel("Reason (recorded with the review)").FillAsync("shipped to China with no licence cited: refer to enforcement");
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Record review" }).ClickAsync();
        await Assertions.Expect(browser.Page.Locator("#review-outcome")).ToContainTextAsync("escalate");
        await browser.Page.ReloadAsync();
        await browser.WaitForPageAsync();

        await Assertions.Expect(browser.Page.Locator("#review-state")).ToHaveTextAsync("escalate");
        using var flag = await fixture.GetJsonAsync($"/api/v1/flags/{fixture.FlagId}", fixture.AgencyKey);
        Assert.Equal("escalate", flag.RootElement.GetProperty("flag").GetProperty("review").GetString());
        await browser.ScreenshotAsync("flag-reviewed");
    }

    [Fact]
    public async Task a_chips_timeline_lists_its_events_in_order()
    {
        var chipId = await LongestLivedChipAsync();
        using var history = await fixture.GetJsonAsync($"/api/v1/chips/{chipId}/history", fixture.AgencyKey);
        var expected = history.RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("occurredAt").GetString()!)).ToList();
        Assert.True(expected.Count >= 5, $"{chipId} has a life worth a timeline");
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();

        await browser.ShowAsync($"#/chips/{chipId}");

        var shown = await browser.Page.EvaluateAsync<string[][]>(
            "() => [...document.querySelectorAll('#timeline > li')].map(li => [li.dataset.type, li.dataset.occurredAt])");
        Assert.Equal(expected, shown.Select(row => (row[0], row[1])).ToList());
        Assert.Equal(shown.Select(row => DateTimeOffset.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture)).Order(), shown.Select(row => DateTimeOffset.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture)));
        await browser.ScreenshotAsync("chip-timeline");
    }

    [Theory]
    [InlineData("#/overview")]
    [InlineData("#/flags")]
    public async Task the_tab_order_walks_every_control_in_document_order(string fragment)
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();
        await browser.ShowAsync(fragment);
        var controls = await browser.Page.EvaluateAsync<int>("""
            () => {
              const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
                .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0 && !(e.type === 'radio' && !e.checked));
              focusable.forEach((e, i) => e.dataset.tabIndexOrder = String(i));
              focusable[0].focus();
              return focusable.length;
            }
            """);
        Assert.True(controls > 10, $"{fragment} has {controls} controls");
        const string focused = "() => document.activeElement?.dataset?.tabIndexOrder ?? ('untracked ' + document.activeElement?.outerHTML?.slice(0, 80))";

        // A date input takes several presses (one per part of the date), so repeats of one control count once.
        var visited = new List<string> { await browser.Page.EvaluateAsync<string>(focused) };
        var last = (controls - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var press = 0; press < controls * 3 && visited[^1] != last; press++)
        {
            await browser.Page.Keyboard.PressAsync("Tab");
            var now = await browser.Page.EvaluateAsync<string>(focused);
            if (now != visited[^1]) visited.Add(now);
        }

        Assert.Equal(Enumerable.Range(0, controls).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), visited);
        await browser.ScreenshotAsync($"tab-order-{fragment.Trim('#', '/')}");
    }

    [Fact]
    public async Task markup_in_an_organisations_name_and_an_observation_is_shown_as_text_and_runs_nothing()
    {
        await using var browser = await DashboardBrowser.OpenAsync(fixture);
        await browser.SignInAsync();

        await browser.ShowAsync($"#/organisations/{DashboardFixture.HostileOrganisationId}");
        await Assertions.Expect(browser.Page.Locator("main h1")).ToHaveTextAsync(DashboardFixture.HostileText);
        Assert.Equal(0, await browser.Page.Locator("main img").CountAsync());
        await browser.ScreenshotAsync("hostile-organisation");

        await browser.ShowAsync($"#/chips/{fixture.FlaggedChipId}");
        var observation = browser.Page.Locator("#timeline li.observation");
        await Assertions.Expect(observation).ToContainTextAsync(DashboardFixture.HostileText);
        await Assertions.Expect(browser.Page.Locator("#timeline")).ToContainTextAsync($"consignee {DashboardFixture.HostileText}");
        Assert.Equal(0, await browser.Page.Locator("main img").CountAsync());
        Assert.Null(await browser.Page.EvaluateAsync<int?>("() => window.__hostile ?? null"));
        // Markup parsed into the page would have its handler refused by the Content-Security-Policy, which Chromium logs.
        Assert.Empty(browser.ConsoleErrors);
        await browser.ScreenshotAsync("hostile-observation");
    }

    [Fact]
    public async Task every_page_at_both_sizes_has_no_serious_accessibility_violation_and_no_sideways_scroll()
    {
        var pages = await PagesAsync();
        var failures = new List<string>();
        foreach (var (size, sizeName) in new[] { (DashboardBrowser.Desktop, "1280x800"), (DashboardBrowser.Phone, "390x844") })
        {
            await using var browser = await DashboardBrowser.OpenAsync(fixture, size);
            failures.AddRange(await CheckAsync(browser, "sign-in", sizeName));
            await browser.SignInAsync();
            foreach (var (name, fragment) in pages)
            {
                await browser.ShowAsync(fragment);
                failures.AddRange(await CheckAsync(browser, name, sizeName));
            }
        }

        Assert.Empty(failures);
    }

    private static async Task<List<string>> CheckAsync(DashboardBrowser browser, string name, string size)
    {
        var failures = new List<string>();
        var widths = await browser.Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scrollWidth, clientWidth) = (widths[0], widths[1]);
        if (scrollWidth > clientWidth) failures.Add($"{name} at {size} scrolls sideways: {scrollWidth} > {clientWidth}");
        var axe = await browser.Page.RunAxe();
        failures.AddRange(axe.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{name} at {size}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}"));
        await browser.ScreenshotAsync($"{name}-{size}");
        return failures;
    }

    [Fact]
    public async Task the_dashboard_is_served_under_its_prefix_with_its_policy_and_nothing_falls_back_to_it()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.BaseAddress };

        var root = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/dashboard/", root.Headers.Location?.OriginalString);
        foreach (var path in new[] { "/dashboard/", "/dashboard/app.js", "/dashboard/countries-110m.json", "/dashboard/no-such-file.js" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(path.Contains("no-such", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Api.Dashboard.DashboardHosting.ContentSecurityPolicy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        }
        var page = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        foreach (var path in new[] { "/api/v1/no-such-route", "/api/no-such-route", "/no-such-page", "/flags" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private async Task<Dictionary<string, decimal>> CountriesAsync(string? asOf)
    {
        using var answer = await fixture.GetJsonAsync($"/api/v1/concentration/country?top=500{(asOf is null ? "" : $"&asOf={asOf}")}", fixture.AgencyKey);
        return answer.RootElement.GetProperty("groups").EnumerateArray()
            .Where(g => !g.GetProperty("key").GetString()!.StartsWith('*'))
            .ToDictionary(g => g.GetProperty("key").GetString()!, g => g.GetProperty("h100Equivalents").GetDecimal());
    }

    /// <summary>Of the first installed chips, the one with the most history entries.</summary>
    private async Task<string> LongestLivedChipAsync()
    {
        using var chips = await fixture.GetJsonAsync("/api/v1/chips?status=installed&limit=20", fixture.AgencyKey);
        var best = ("", 0);
        foreach (var chip in chips.RootElement.GetProperty("chips").EnumerateArray())
        {
            var chipId = chip.GetProperty("chipId").GetString()!;
            using var history = await fixture.GetJsonAsync($"/api/v1/chips/{chipId}/history", fixture.AgencyKey);
            var entries = history.RootElement.GetProperty("entries").GetArrayLength();
            if (entries > best.Item2) best = (chipId, entries);
        }
        return best.Item1;
    }

    /// <summary>One page of each kind, on records of the generated world.</summary>
    private async Task<List<(string Name, string Fragment)>> PagesAsync()
    {
        var chipId = await LongestLivedChipAsync();
        using var site = await fixture.GetJsonAsync("/api/v1/facilities/colossus-memphis", fixture.AgencyKey);
        var operatorId = site.RootElement.GetProperty("operatorId").GetString();
        return
        [
            ("overview", "#/overview"),
            ("concentration", "#/concentration?grouping=operator"),
            ("flags", "#/flags"),
            ("flag", $"#/flags/{fixture.FlagId}"),
            ("chip", $"#/chips/{chipId}"),
            ("facility", "#/facilities/colossus-memphis"),
            ("organisation", $"#/organisations/{operatorId}"),
        ];
    }
}
