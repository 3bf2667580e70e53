using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Tests.Chips;

namespace ChipRegistry.Api.Tests.Requests;

/// <summary>
/// A body that is not UTF-8, a string holding U+0000 or an escaped lone surrogate: each a 400 with its code and the
/// path, and nothing written (PostgreSQL would refuse such text, which used to surface as a 500).
/// </summary>
public sealed class UnstorableTextTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private async Task<(int Status, string? Code, string? Detail)> PostRawAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organisations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiFixture.AdminKey);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return ((int)response.StatusCode, problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null,
            problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
    }

    private static byte[] Organisation(string nameJson) =>
        Encoding.UTF8.GetBytes($$"""{"organisationId":"org-{{Guid.NewGuid():N}}","name":{{nameJson}},"kind":"distributor","country":"SG","foundedOn":"2020-01-01"}""");

    [Fact]
    public async Task a_body_that_is_not_utf8_is_400_invalid_json()
    {
        var before = await host.EventCountAsync();

        var (status, code, _) = await PostRawAsync([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}']);

        Assert.Equal((400, "invalid_json"), (status, code));
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Theory]
    [InlineData("\"a\\u0000b\"", "$.name")]
    [InlineData("\"\\ud800\"", "$.name")]
    public async Task a_string_the_registry_cannot_store_is_400_invalid_character_naming_its_path(string nameJson, string path)
    {
        var before = await host.EventCountAsync();

        var (status, code, detail) = await PostRawAsync(Organisation(nameJson));

        Assert.Equal((400, "invalid_character"), (status, code));
        Assert.StartsWith($"At {path}:", detail, StringComparison.Ordinal);
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task the_same_organisation_with_plain_text_is_registered()
    {
        var (status, _, _) = await PostRawAsync(Organisation("\"Plain Trading Pte Ltd\""));
        Assert.Equal(201, status);
    }
}
