using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ChipRegistry.Cli.Tests.Import;

namespace ChipRegistry.Cli.Tests;

public sealed class KeyCommandTests(ImportApi api) : IClassFixture<ImportApi>
{
    private Dictionary<string, string> Environment => new() { ["CHIPREGISTRY_URL"] = api.Url, ["CHIPREGISTRY_ADMIN_KEY"] = ImportApi.AdminKey };

    [Fact]
    public async Task keys_create_list_and_revoke_go_through_the_admin_api()
    {
        var environment = Environment;
        // Its own organisation, so that what the class's fixture already holds cannot change what this test sees.
        var maker = $"maker-{Guid.NewGuid():N}"[..14];
        var unregistered = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "create", "--organisation", maker, "--role", "manufacturer");
        Assert.Equal(1, unregistered.ExitCode);
        Assert.Contains("organisation_not_registered", unregistered.Output, StringComparison.Ordinal);
        await RegisterOrganisationAsync(maker, "manufacturer");

        var created = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "create", "--organisation", maker, "--role", "manufacturer", "--label", "fab line 3");
        Assert.True(created.ExitCode == 0, created.Error + created.Output);
        using var issued = JsonDocument.Parse(created.Output);
        var keyId = issued.RootElement.GetProperty("keyId").GetString()!;
        Assert.Equal("manufacturer", issued.RootElement.GetProperty("role").GetString());
        var derived = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "create", "--organisation", maker, "--label", "fab line 4");
        Assert.True(derived.ExitCode == 0, derived.Error + derived.Output);
        using (var derivedKey = JsonDocument.Parse(derived.Output))
        {
            Assert.Equal("manufacturer", derivedKey.RootElement.GetProperty("role").GetString());
            await RevokeAsync(environment, derivedKey.RootElement.GetProperty("keyId").GetString()!);
        }
        Assert.StartsWith("crk_", issued.RootElement.GetProperty("token").GetString(), StringComparison.Ordinal);

        var listed = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "list", "--organisation", maker);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(keyId, listed.Output, StringComparison.Ordinal);

        var revoked = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "revoke", keyId, "--reason", "rotated");
        Assert.Equal(0, revoked.ExitCode);
        var afterwards = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "list", "--organisation", maker);
        using var listing = JsonDocument.Parse(afterwards.Output);
        Assert.NotEqual(JsonValueKind.Null, listing.RootElement.EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == keyId).GetProperty("revokedAt").ValueKind);

        var wrongKey = await Chipreg.RunAsync(AppContext.BaseDirectory, new Dictionary<string, string>(environment) { ["CHIPREGISTRY_ADMIN_KEY"] = "not-a-valid-admin-key-0123456789" }, "keys", "list");
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("401", wrongKey.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_api_that_cannot_be_reached_is_one_line_on_stderr_and_exit_code_3_not_a_stack_trace()
    {
        var environment = new Dictionary<string, string> { ["CHIPREGISTRY_URL"] = $"http://127.0.0.1:{FreePort()}", ["CHIPREGISTRY_ADMIN_KEY"] = ImportApi.AdminKey };

        foreach (var arguments in new[] { new[] { "keys", "list" }, ["keys", "create", "--organisation", "maker-1"], ["keys", "revoke", "key-1", "--reason", "r"] })
        {
            var result = await Chipreg.RunAsync(AppContext.BaseDirectory, environment, arguments);

            Assert.Equal(3, result.ExitCode);
            var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length == 1, result.Error);
            Assert.StartsWith($"Cannot reach the registry API at {environment["CHIPREGISTRY_URL"]}/", lines[0], StringComparison.Ordinal);
            Assert.Empty(result.Output);
        }
    }

    /// <summary>Keys are issued only to registered organisations; the CLI has no organisation command, so the test registers through the API.</summary>
    private async Task RegisterOrganisationAsync(string organisationId, string kind)
    {
        using var http = api.Client(ImportApi.AdminKey);
        var response = await http.PostAsJsonAsync("/api/v1/organisations", new { organisationId, name = "Maker One", kind, country = "US", foundedOn = "2001-04-01" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task RevokeAsync(Dictionary<string, string> environment, string keyId) =>
        Assert.Equal(0, (await Chipreg.RunAsync(AppContext.BaseDirectory, environment, "keys", "revoke", keyId, "--reason", "not needed")).ExitCode);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
