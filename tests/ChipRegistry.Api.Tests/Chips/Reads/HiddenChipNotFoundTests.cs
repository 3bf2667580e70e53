using System.Net;
using System.Text;
using ChipRegistry.Domain.Organisations;

namespace ChipRegistry.Api.Tests.Chips.Reads;

public sealed class HiddenChipNotFoundTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("")]
    [InlineData("/history")]
    public async Task a_chip_held_by_someone_else_answers_exactly_as_an_unknown_serial(string suffix)
    {
        var reader = await host.OrganisationKeyAsync($"nf-reader-{Guid.NewGuid():N}", OrganisationKind.Distributor);
        var hidden = await ChipArrange.RegisterOneAsync(host, "nf-maker");
        var unknown = ChipArrange.NewSerial();

        var forHidden = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{hidden}{suffix}", reader.Token);
        var forUnknown = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{unknown}{suffix}", reader.Token);

        Assert.Equal(HttpStatusCode.NotFound, forHidden.StatusCode);
        Assert.Equal(forUnknown.StatusCode, forHidden.StatusCode);
        Assert.Equal(Headers(forUnknown), Headers(forHidden));
        var hiddenBody = await forHidden.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var unknownBody = await forUnknown.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal(unknownBody, hiddenBody);
        var text = Encoding.UTF8.GetString(hiddenBody);
        Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
        Assert.DoesNotContain(unknown, text, StringComparison.Ordinal);
        Assert.DoesNotContain("traceId", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("chip_not_found", await ApiFixture.ProblemCodeAsync(forHidden));

        // The same chip is there for its maker: the 404 above is the visibility rule, not a missing chip.
        var maker = await host.IssueKeyAsync("nf-maker", "manufacturer");
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{hidden}{suffix}", maker.Token)).StatusCode);
    }

    /// <summary>Every response and content header but Date, by name, with all its values.</summary>
    private static List<string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .Where(header => !header.Key.Equals("Date", StringComparison.OrdinalIgnoreCase))
            .Select(header => $"{header.Key.ToLowerInvariant()}: {string.Join(", ", header.Value)}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
