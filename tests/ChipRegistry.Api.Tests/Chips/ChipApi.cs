using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>Raw requests and database counts for the chip write tests.</summary>
internal static class ChipApi
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<HttpResponseMessage> PostRawAsync(this ApiFixture host, string path, string key, string json, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await host.Client.SendAsync(request, Cancel);
    }

    /// <summary>POST without a Content-Length: the body's size is known only as it is read.</summary>
    public static async Task<HttpResponseMessage> PostUndeclaredAsync(this ApiFixture host, string path, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new UndeclaredContent(Encoding.UTF8.GetBytes(json)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await host.Client.SendAsync(request, Cancel);
    }

    private sealed class UndeclaredContent : HttpContent
    {
        private readonly byte[] bytes;

        public UndeclaredContent(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(64 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return document.RootElement.Clone();
    }

    public static async Task<long> EventCountAsync(this ApiFixture host) => await host.ScalarAsync("select count(*) from chipregistry.events");

    public static async Task<long> ScalarAsync(this ApiFixture host, string sql, params object[] parameters)
    {
        await using var connection = await host.Database.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(Cancel), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<long> ChipVersionAsync(this ApiFixture host, string chipId) =>
        await host.ScalarAsync("select coalesce(max(version), 0) from chipregistry.streams where key = $1", chipId);

    public static async Task<(int Status, string? Code)> ProblemAsync(HttpResponseMessage response) =>
        ((int)response.StatusCode, (int)response.StatusCode >= 400 ? await ApiFixture.ProblemCodeAsync(response) : null);
}
