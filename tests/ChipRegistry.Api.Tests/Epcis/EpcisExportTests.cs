using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ChipRegistry.Api.Tests.Epcis;

public sealed class EpcisExportTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    /// <summary>The fields docs/epcis-mapping.md lists, compared as sent and as exported.</summary>
    private static readonly string[] Listed =
    [
        "eventID", "type", "eventTime", "eventTimeZoneOffset", "action", "bizStep", "disposition", "parentID", "readPoint", "bizLocation",
        "sourceList", "destinationList", "bizTransactionList", "ilmd",
    ];

    private static readonly JsonSchema Schema = JsonSchema.FromText(EpcisVectors.Read("EPCIS-JSON-Schema.json"));

    [Fact]
    public async Task our_documents_export_validates_against_gs1s_schema_and_round_trips_every_listed_field()
    {
        var world = new RegistryWorld(host);
        var maker = await world.MakerAsync();
        var document = await ChipDomainDocument.ArrangeAsync(host);
        Assert.True((await EpcisCapture.CaptureAsync(host, maker.Token, document.Json)).GetProperty("success").GetBoolean());
        Assert.True((await EpcisCapture.CaptureAsync(host, document.OperatorToken, document.OperatorJson)).GetProperty("success").GetBoolean());
        var sent = new[] { document.Json, document.OperatorJson }
            .SelectMany(d => JsonNode.Parse(d)!["epcisBody"]!["eventList"]!.AsArray().Select(e => e!.AsObject())).ToList();

        var exported = new List<JsonObject>();
        foreach (var chip in new[] { document.ChipA, document.ChipB, document.ChipC })
        {
            var response = await host.SendAsync(HttpMethod.Get, $"/api/v1/chips/{chip}/epcis", maker.Token);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, text);
            using var json = JsonDocument.Parse(text);
            var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
            exported.AddRange(JsonNode.Parse(text)!["epcisBody"]!["eventList"]!.AsArray().Select(e => e!.AsObject()));
        }

        // every event sent comes back once per chip it named (the declaration rides on the event it declares)
        foreach (var original in sent.Where(e => e["errorDeclaration"] is null))
        {
            var copies = exported.Where(e => e["eventID"]?.GetValue<string>() == Key(original, exported)).ToList();
            Assert.NotEmpty(copies);
            foreach (var copy in copies)
            {
                foreach (var field in Listed.Where(f => original[f] is not null || f != "eventID"))
                {
                    Assert.True(JsonNode.DeepEquals(original[field], copy[field]), $"{original["bizStep"]} {field}: sent {original[field]?.ToJsonString()}, exported {copy[field]?.ToJsonString()}");
                }
            }
        }
        var declared = exported.Single(e => e["eventID"]?.GetValue<string>() == document.ShippingToWrongParty);
        Assert.Equal(("2026-06-05T14:00:00Z", "incorrect_data"), (declared["errorDeclaration"]!["declarationTime"]!.GetValue<string>(), declared["errorDeclaration"]!["reason"]!.GetValue<string>()));
        var packed = exported.Single(e => e["bizStep"]?.GetValue<string>() == "packing");
        Assert.Equal(sent[0]["epcList"]![0]!.GetValue<string>(), packed["childEPCs"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task a_lots_and_an_assemblys_export_validate_name_each_event_once_and_show_only_what_the_caller_may_see()
    {
        var world = new RegistryWorld(host);
        var maker = await world.MakerAsync();
        var document = await ChipDomainDocument.ArrangeAsync(host);
        Assert.True((await EpcisCapture.CaptureAsync(host, maker.Token, document.Json)).GetProperty("success").GetBoolean());
        Assert.True((await EpcisCapture.CaptureAsync(host, document.OperatorToken, document.OperatorJson)).GetProperty("success").GetBoolean());
        var lotId = JsonNode.Parse(document.Json)!["epcisBody"]!["eventList"]![0]!["ilmd"]!["cbvmda:lotNumber"]!.GetValue<string>();
        var stranger = await world.PartyAsync(RegistryWorld.FreshId("stranger"), Domain.Organisations.OrganisationKind.Manufacturer, "US");

        var lot = await ExportAsync($"/api/v1/lots/{lotId}/epcis", maker.Token);
        var operatorsLot = await ExportAsync($"/api/v1/lots/{lotId}/epcis", document.OperatorToken);
        var assembly = await ExportAsync($"/api/v1/assemblies/{document.AssemblyId}/epcis", maker.Token);
        var hiddenLot = await host.SendAsync(HttpMethod.Get, $"/api/v1/lots/{lotId}/epcis", stranger.Token);
        var hiddenAssembly = await host.SendAsync(HttpMethod.Get, $"/api/v1/assemblies/{document.AssemblyId}/epcis", stranger.Token);

        // the commissioning named all three chips: one event with the three, as sent; every event once
        Assert.Equal(3, lot.Single(e => Step(e) == "commissioning")["epcList"]!.AsArray().Count);
        Assert.Equal(lot.Count, lot.Select(e => e["eventID"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(["commissioning", "packing", "shipping", "shipping", "shipping", "receiving", "installing"], lot.Select(Step));
        Assert.Equal(lot.Select(e => e["eventTime"]!.GetValue<string>()).Order(StringComparer.Ordinal), lot.Select(e => e["eventTime"]!.GetValue<string>()));
        // the operator sees the chips shipped to it, not the packing of one it never held
        Assert.DoesNotContain(operatorsLot, e => Step(e) == "packing");
        Assert.Contains(operatorsLot, e => Step(e) == "installing");
        Assert.Equal(["commissioning", "packing"], assembly.Select(Step));
        Assert.Single(assembly[0]["epcList"]!.AsArray());
        Assert.Equal((404, "lot_not_found"), ((int)hiddenLot.StatusCode, await ApiFixture.ProblemCodeAsync(hiddenLot)));
        Assert.Equal((404, "assembly_not_registered"), ((int)hiddenAssembly.StatusCode, await ApiFixture.ProblemCodeAsync(hiddenAssembly)));
    }

    private static string Step(JsonObject e) => e["bizStep"]!.GetValue<string>();

    /// <summary>The export's events, once the document has been checked against GS1's schema.</summary>
    private async Task<List<JsonObject>> ExportAsync(string path, string token)
    {
        var response = await host.SendAsync(HttpMethod.Get, path, token);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        using var json = JsonDocument.Parse(text);
        var result = Schema.Evaluate(json.RootElement, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        return [.. JsonNode.Parse(text)!["epcisBody"]!["eventList"]!.AsArray().Select(e => e!.AsObject())];
    }

    /// <summary>The eventID an event is exported under: its own, or (the packing event, sent without one) its hash id.</summary>
    private static string? Key(JsonObject original, List<JsonObject> exported) =>
        original["eventID"]?.GetValue<string>()
        ?? exported.FirstOrDefault(e => e["bizStep"]?.GetValue<string>() == original["bizStep"]?.GetValue<string>())?["eventID"]?.GetValue<string>();
}
