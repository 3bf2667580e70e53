using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ChipRegistry.Api.Tests.Epcis;

/// <summary>One capture as a client makes it: POST the document, expect 202 and a Location, GET the job there.</summary>
public static class EpcisCapture
{
    public static async Task<HttpResponseMessage> PostAsync(ApiFixture host, string token, string document, string? behaviour = null, string mediaType = "application/ld+json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/epcis/capture") { Content = new StringContent(document, Encoding.UTF8, mediaType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (behaviour is not null) request.Headers.TryAddWithoutValidation("GS1-Capture-Error-Behaviour", behaviour);
        return await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The finished job of a capture (202 and its Location asserted).</summary>
    public static async Task<JsonElement> CaptureAsync(ApiFixture host, string token, string document, string? behaviour = null)
    {
        var posted = await PostAsync(host, token, document, behaviour);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var location = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/epcis/capture/", location, StringComparison.Ordinal);
        using var job = await host.GetJsonAsync(token, location);
        Assert.False(job.RootElement.GetProperty("running").GetBoolean());
        return job.RootElement.Clone();
    }

    /// <summary>The errors of a job as (event index, code), the way docs/epcis-mapping.md tabulates them.</summary>
    public static SortedSet<(int Event, string Code)> Reasons(JsonElement job) =>
        new(job.GetProperty("errors").EnumerateArray().Select(e => (int.Parse(e.GetProperty("position").GetString()!.Split('/')[3], System.Globalization.CultureInfo.InvariantCulture),
            e.GetProperty("code").GetString()!)));
}
