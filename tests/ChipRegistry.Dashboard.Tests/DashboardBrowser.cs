using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ChipRegistry.Dashboard.Tests;

/// <summary>A fresh browser context per test (its own sessionStorage, so its own sign-in) and the steps tests share.</summary>
public sealed class DashboardBrowser(DashboardFixture fixture, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public static readonly (int Width, int Height) Desktop = (1280, 800);
    public static readonly (int Width, int Height) Phone = (390, 844);

    public IPage Page => page;

    /// <summary>Console errors the page logged (Content-Security-Policy refusals among them) and uncaught script errors.</summary>
    public List<string> ConsoleErrors { get; } = [];

    public static async Task<DashboardBrowser> OpenAsync(DashboardFixture fixture, (int Width, int Height)? viewport = null)
    {
        var size = viewport ?? Desktop;
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
        });
        var page = await context.NewPageAsync();
        var browser = new DashboardBrowser(fixture, context, page);
        // Chromium logs every 4xx answer as "Failed to load resource": sign-in's probe of the administrators' key list
        // answers an agency 403 by design, so those are left out; script errors and CSP refusals are kept.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) browser.ConsoleErrors.Add(message.Text);
        };
        page.PageError += (_, error) => browser.ConsoleErrors.Add(error);
        await page.GotoAsync("/dashboard/");
        await browser.WaitForPageAsync(signIn: true);
        return browser;
    }

    /// <summary>Types the key into the sign-in form and submits it.</summary>
    public async Task TryKeyAsync(string key)
    {
        await page.GetByLabel("Agency API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public async Task SignInAsync()
    {
        await TryKeyAsync(fixture.AgencyKey);
        await page.Locator("#nav a", new() { HasTextString = "Overview" }).WaitForAsync();
        await WaitForPageAsync();
    }

    /// <summary>Shows the page the fragment names (<c>#/flags?status=open</c>) and waits until it is drawn.</summary>
    public async Task ShowAsync(string fragment)
    {
        await page.EvaluateAsync("fragment => { location.hash = fragment; }", fragment);
        await WaitForPageAsync();
    }

    /// <summary>Until the page drawn is the one the fragment names, or the sign-in form (main.js marks either when done).</summary>
    public async Task WaitForPageAsync(bool signIn = false) =>
        await page.WaitForFunctionAsync(
            "signIn => { const main = document.querySelector('main'); return signIn ? main.dataset.rendered === 'sign-in' : (main.dataset.rendered === location.hash && !main.hasAttribute('aria-busy')); }",
            signIn);

    /// <summary>A full-page screenshot under the test results (dashboard/NAME.png).</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var directory = Path.Combine(ResultsDirectory(), "dashboard");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Regex.Replace(name, "[^a-z0-9-]+", "-")}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>test.sh's results directory, else TestResults beside the solution.</summary>
    private static string ResultsDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("CHIPREGISTRY_TEST_RESULTS");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln"))) directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "TestResults");
    }

    /// <summary>Each row's <c>data-key</c> and the numeric value of the named column's cell.</summary>
    public async Task<List<(string Key, decimal Value)>> TableValuesAsync(string tableId, int column)
    {
        var rows = await page.EvaluateAsync<string[][]>(
            "([id, column]) => [...document.querySelectorAll(`#${id} tbody tr[data-key]`)].map(row => [row.dataset.key, row.cells[column].dataset.value])",
            new object[] { tableId, column });
        return rows.Select(row => (row[0], decimal.Parse(row[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
    }
}
