using System.Net;

namespace ChipRegistry.Api.Tests;

internal static class Readiness
{
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
