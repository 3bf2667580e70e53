using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChipRegistry.Cli.Tests.Import;
using Json.Schema;

namespace ChipRegistry.Cli.Tests.Export;

public sealed class EpcisExportCommandTests(ImportApi api) : IClassFixture<ImportApi>
{
    private static readonly string Vectors = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data", "epcis");

    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Vectors, "EPCIS-JSON-Schema.json")));

    [Fact]
    public async Task export_epcis_writes_a_chips_lots_and_assemblys_history_as_a_valid_document_to_stdout_or_a_file()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var lotId = $"exp-{Guid.NewGuid():N}"[..16];
        var chips = await api.LotAsync(2, lotId);
        var assemblyId = $"srv-{Guid.NewGuid():N}"[..16];
        using (var maker = api.Client(api.MakerKey))
        {
            var registered = await maker.PostAsJsonAsync("/api/v1/assemblies", new { assemblyId, kind = "server", serial = assemblyId, country = "TW" }, cancellationToken);
            Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(cancellationToken));
            var packed = await maker.PostAsJsonAsync($"/api/v1/assemblies/{assemblyId}/pack", new { chipIds = new[] { chips[0] } }, cancellationToken);
            Assert.True(packed.IsSuccessStatusCode, await packed.Content.ReadAsStringAsync(cancellationToken));
        }
        var file = Path.Combine(Path.GetTempPath(), $"lot-{Guid.NewGuid():N}.jsonld");
        try
        {
            var chip = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--chip", chips[1], "--api", api.Url, "--key", api.MakerKey);
            var lot = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--lot", lotId, "--out", file, "--api", api.Url, "--key", api.MakerKey);
            var assembly = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--assembly", assemblyId, "--api", api.Url, "--key", api.MakerKey);

            Assert.True(chip.ExitCode == 0, chip.Error + chip.Output);
            Assert.Equal([("commissioning", 1)], BizSteps(chip.Output));
            Assert.True(lot.ExitCode == 0, lot.Error + lot.Output);
            Assert.Empty(lot.Output);
            // the lot's two chips were registered in one act, one event each: two commissionings, each naming its chip
            Assert.Equal([("commissioning", 1), ("commissioning", 1), ("packing", 1)], BizSteps(await File.ReadAllTextAsync(file, cancellationToken)));
            Assert.True(assembly.ExitCode == 0, assembly.Error + assembly.Output);
            Assert.Equal([("commissioning", 1), ("packing", 1)], BizSteps(assembly.Output));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task export_epcis_of_what_the_key_may_not_see_is_the_registrys_404_and_exit_1_and_bad_usage_is_exit_2()
    {
        var lotId = $"exp-{Guid.NewGuid():N}"[..16];
        var chips = await api.LotAsync(1, lotId);
        var file = Path.Combine(Path.GetTempPath(), $"hidden-{Guid.NewGuid():N}.jsonld");

        var hidden = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--lot", lotId, "--out", file, "--api", api.Url, "--key", api.OperatorKey);
        var two = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--lot", lotId, "--chip", chips[0], "--api", api.Url, "--key", api.MakerKey);
        var none = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "export", "--epcis", "--api", api.Url, "--key", api.MakerKey);

        Assert.Equal(1, hidden.ExitCode);
        Assert.StartsWith("404", hidden.Error, StringComparison.Ordinal);
        Assert.Contains("lot_not_found", hidden.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
        Assert.Equal(2, two.ExitCode);
        Assert.Equal(2, none.ExitCode);
    }

    /// <summary>The document's events as (bizStep, number of EPCs), after checking it against GS1's schema.</summary>
    private static List<(string, int)> BizSteps(string text)
    {
        using var json = JsonDocument.Parse(text);
        var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        return [.. JsonNode.Parse(text)!["epcisBody"]!["eventList"]!.AsArray()
            .Select(e => (e!["bizStep"]!.GetValue<string>(), (e["epcList"] ?? e["childEPCs"])!.AsArray().Count))];
    }
}
