using System.Net;
using System.Text.RegularExpressions;

namespace ChipRegistry.Api.Tests.OpenApi;

/// <summary>
/// <c>/scalar</c> is the API reference page over <c>/openapi/v1.json</c>: anonymous, and it loads nothing from another
/// origin (no CDN script, no CDN web fonts), so it works on an isolated network and tells no third party who reads it.
/// </summary>
public sealed partial class ApiReferenceTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    /// <summary>What the page loads from the API itself and is small enough to search (Scalar's bundle is megabytes).</summary>
    private const int SearchableBytes = 256 * 1024;

    [Fact]
    public async Task the_reference_page_is_served_without_a_key_over_the_openapi_document()
    {
        var response = await host.BrowseAsync("/scalar");
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        // The page resolves its source against its own origin: /openapi/v1.json, itself anonymous.
        Assert.Contains("\"url\":\"openapi/v1.json\"", page, StringComparison.Ordinal);
        var document = await host.SendAsync(HttpMethod.Get, "/openapi/v1.json", key: null);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task the_reference_page_has_its_default_fonts_off_and_loads_nothing_from_another_origin()
    {
        var response = await host.BrowseAsync("/scalar");
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(page);

        Assert.Matches(DefaultFontsOff(), page);
        Assert.Empty(AbsoluteUrls(page));

        var scripts = ScriptSources().Matches(page).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.False(Uri.TryCreate(src, UriKind.Absolute, out _) || src.StartsWith("//", StringComparison.Ordinal), $"script {src} is not same-origin");
            var script = await host.SendAsync(HttpMethod.Get, new Uri(new Uri("http://localhost/scalar/"), src).PathAndQuery, key: null);
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            var bytes = await script.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            TestContext.Current.TestOutputHelper?.WriteLine($"{src}: {bytes.Length} bytes");
            if (bytes.Length <= SearchableBytes)
            {
                Assert.Empty(AbsoluteUrls(System.Text.Encoding.UTF8.GetString(bytes)));
            }
        }
    }

    /// <summary>
    /// Every http:// or https:// URL, and every protocol-relative //host.name one, except XML namespace names (never
    /// fetched). A regular expression literal such as <c>/^https?:\/\//i</c> is no URL.
    /// </summary>
    private static List<string> AbsoluteUrls(string text) =>
        [.. AbsoluteUrl().Matches(text).Select(m => m.Value).Where(url => !url.StartsWith("http://www.w3.org/", StringComparison.Ordinal))];

    [GeneratedRegex(@"https?://[^\s""'<>)`\\]+|(?<![:\w\\])//(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}[^\s""'<>)`]*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"<script[^>]*\ssrc=""(?<src>[^""]+)""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSources();

    [GeneratedRegex(@"""withDefaultFonts""\s*:\s*false", RegexOptions.CultureInvariant)]
    private static partial Regex DefaultFontsOff();
}
