using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ChipRegistry.Cli.Tests.Seed;

/// <summary><c>chipreg seed</c> as a child process against the API on Kestrel and a real PostgreSQL.</summary>
public sealed class SeedCommandTests(SeedApi api) : IClassFixture<SeedApi>
{
    [Fact]
    public async Task a_small_world_goes_through_the_api_and_its_summary_is_what_the_registry_counts_and_flags()
    {
        var seeded = api.Seeded;

        Assert.True(seeded.ExitCode == 0, seeded.Error + seeded.Output);
        using var summary = JsonDocument.Parse(seeded.Output);
        var root = summary.RootElement;
        var agencyKey = root.GetProperty("agencyKey").GetString()!;
        Assert.Equal("demo-bis", root.GetProperty("agencyOrganisation").GetString());
        var chips = await api.AllAsync(agencyKey, "/api/v1/chips", "chips");
        Assert.True(root.GetProperty("chips").GetInt32() > 0);
        Assert.Equal(root.GetProperty("chips").GetInt32() + root.GetProperty("injectedChips").GetInt32(), chips.Count);
        Assert.All(chips, chip => Assert.StartsWith("demo-", chip.GetProperty("chipId").GetString(), StringComparison.Ordinal));
        var organisations = await api.AllAsync(agencyKey, "/api/v1/organisations", "organisations");
        Assert.All(organisations.Select(o => o.GetProperty("organisationId").GetString()!).Where(id => id != "registry"),
            id => Assert.StartsWith("demo-", id, StringComparison.Ordinal));

        await api.CaughtUpAsync();
        var expected = root.GetProperty("anomalies").EnumerateArray().ToDictionary(a => a.GetProperty("rule").GetInt32(), a => a.GetProperty("flags").GetInt32());
        var flagged = new Dictionary<int, int>();
        foreach (var rule in expected.Keys)
        {
            flagged[rule] = (await api.AllAsync(agencyKey, $"/api/v1/flags?rule={rule}", "flags")).Count;
        }
        Assert.Equal(expected.OrderBy(e => e.Key), flagged.OrderBy(e => e.Key));
        // The world's shipments without the licence they need are there to be flagged: the count is not vacuous.
        Assert.True(expected[16] > 0, seeded.Output);
    }

    [Fact]
    public async Task flags_list_show_and_review_go_through_the_flag_endpoints()
    {
        await api.CaughtUpAsync();
        var listed = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "list", "--rule", "16", "--limit", "500", "--json", "--api", api.Url, "--key", api.AgencyKey);
        Assert.True(listed.ExitCode == 0, listed.Error + listed.Output);
        var ids = JsonDocument.Parse(listed.Output).RootElement.EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();
        var expected = (await api.AllAsync(api.AgencyKey, "/api/v1/flags?rule=16", "flags")).Select(f => f.GetProperty("id").GetString()!).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, ids);

        var shown = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "show", ids[0], "--json", "--api", api.Url, "--key", api.AgencyKey);
        Assert.True(shown.ExitCode == 0, shown.Error + shown.Output);
        Assert.Equal(ids[0], JsonDocument.Parse(shown.Output).RootElement.GetProperty("flag").GetProperty("id").GetString());

        var reviewed = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "review", ids[0], "--action", "escalate", "--reason", "no licence on file", "--json",
            "--api", api.Url, "--key", api.AgencyKey);
        Assert.True(reviewed.ExitCode == 0, reviewed.Error + reviewed.Output);
        foreach (var (review, holds) in new[] { ("escalate", true), ("none", false) })
        {
            var byReview = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "list", "--rule", "16", "--review", review, "--limit", "500", "--json",
                "--api", api.Url, "--key", api.AgencyKey);
            Assert.True(byReview.ExitCode == 0, byReview.Error + byReview.Output);
            Assert.Equal(holds, JsonDocument.Parse(byReview.Output).RootElement.EnumerateArray().Any(f => f.GetProperty("id").GetString() == ids[0]));
        }
        var refused = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "review", ids[0], "--action", "escalate", "--reason", "not an agency",
            "--api", api.Url, "--key", SeedApi.AdminKey);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("forbidden", JsonDocument.Parse(refused.Output).RootElement.GetProperty("code").GetString());
        var unknown = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "flags", "show", "r16-00000000000000000000", "--api", api.Url, "--key", api.AgencyKey);
        Assert.Equal(1, unknown.ExitCode);
    }

    [Fact]
    public async Task rebuild_follows_the_rebuild_resource_to_done_and_refuses_an_unknown_projection()
    {
        await api.CaughtUpAsync();
        var before = (await api.AllAsync(api.AgencyKey, "/api/v1/flags?rule=16", "flags")).Count;

        var rebuilt = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "rebuild", "licence_check", "--poll-seconds", "0.2", "--json", "--api", api.Url, "--key", SeedApi.AdminKey);

        Assert.True(rebuilt.ExitCode == 0, rebuilt.Error + rebuilt.Output);
        Assert.Equal("done", JsonDocument.Parse(rebuilt.Output).RootElement.GetProperty("state").GetString());
        Assert.Equal(before, (await api.AllAsync(api.AgencyKey, "/api/v1/flags?rule=16", "flags")).Count);
        var listed = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "rebuild", "--api", api.Url, "--key", SeedApi.AdminKey);
        Assert.Contains("licence_check", listed.Lines);
        var unknown = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "rebuild", "no_such_projection", "--api", api.Url, "--key", SeedApi.AdminKey);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("projection_not_found", JsonDocument.Parse(unknown.Output).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task bench_passes_its_arguments_to_tools_bench_sh_and_exits_with_its_code()
    {
        var repository = ChipRegistry.Cli.WorkingCopy.Find(AppContext.BaseDirectory);

        var usage = await Chipreg.RunAsync(repository, null, "bench", "no-such-benchmark");

        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("usage: tools/bench.sh", usage.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flags", "list")]
    [InlineData("rebuild", "licence_check")]
    public async Task an_unreachable_api_is_one_line_and_exit_code_3_for_the_thin_commands(string command, string argument)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Chipreg.RunAsync(AppContext.BaseDirectory, null, command, argument, "--api", $"http://127.0.0.1:{port}", "--key", "some-key-0123456789abcdef");

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith($"Cannot reach the registry API at http://127.0.0.1:{port}/", Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unreachable_api_is_one_line_and_exit_code_3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var seeded = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "seed", "--chips", "10", "--api", $"http://127.0.0.1:{port}", "--key", "some-admin-key-0123456789abcdef");

        Assert.Equal(3, seeded.ExitCode);
        var lines = seeded.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"Cannot reach the registry API at http://127.0.0.1:{port}/", lines[0], StringComparison.Ordinal);
    }
}
