using System.Net;

namespace ChipRegistry.Api.Tests;

internal static class Readiness
{
    /// <summary>
    /// Polls /health/ready until every check reports Healthy, not merely 200: a Degraded check also
    /// answers 200, and the checks run side by side while migrations commit in the background.
    /// </summary>
    public static async Task<HttpResponseMessage> WaitUntilHealthyAsync(HttpClient client, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            using var report = System.Text.Json.JsonDocument.Parse(body);
            if (report.RootElement.GetProperty("status").GetString() == "Healthy" || DateTime.UtcNow > deadline)
            {
                return response;
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls /health/ready until it answers 200 (migrations run in the background) or the time is up.</summary>
    public static async Task<HttpResponseMessage> WaitUntilReadyAsync(HttpClient client, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return response;
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
