using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChipRegistry.Cli.Tests.Import;

public sealed class EpcisImportTests(ImportApi api) : IClassFixture<ImportApi>
{
    [Fact]
    public async Task import_epcis_posts_the_file_to_capture_and_exits_by_the_jobs_success()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var empty = Path.Combine(Path.GetTempPath(), $"epcis-empty-{Guid.NewGuid():N}.jsonld");
        await File.WriteAllTextAsync(empty, """{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-06-09T00:00:00Z","epcisBody":{"eventList":[]}}""", cancellationToken);
        var sample = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data", "epcis", "ErrorDeclarationAndCorrectiveEvent.jsonld");
        try
        {
            var imported = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "import", "--epcis", empty, "--api", api.Url, "--key", api.MakerKey);
            var rejected = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "import", "--epcis", sample, "--partial", "--api", api.Url, "--key", api.MakerKey);
            var both = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "import", "--epcis", empty, "--csv", empty, "--api", api.Url, "--key", api.MakerKey);

            Assert.True(imported.ExitCode == 0, imported.Error + imported.Output);
            Assert.Contains("\"success\": true", imported.Output, StringComparison.Ordinal);
            Assert.Equal(1, rejected.ExitCode);
            Assert.Contains("\"errorBehaviour\": \"proceed\"", rejected.Output, StringComparison.Ordinal);
            Assert.Contains("epcis_event_type_unsupported", rejected.Output, StringComparison.Ordinal);
            Assert.Equal(2, both.ExitCode);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task import_epcis_sends_the_file_in_captures_of_batch_size_events_each_all_or_nothing_and_stops_at_the_first_that_fails()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var sgtin = await api.SgtinsAsync();
        var serials = Enumerable.Range(0, 5).Select(i => $"e{Guid.NewGuid():N}"[..12] + i).ToArray();
        var chips = serials.Select(s => $"nvidia:{s}").ToArray();
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var events = new JsonArray([.. serials.Select((serial, i) => (JsonNode)new JsonObject
        {
            ["eventID"] = $"urn:uuid:{Guid.NewGuid()}", ["type"] = "ObjectEvent", ["eventTime"] = at, ["eventTimeZoneOffset"] = "+00:00",
            ["epcList"] = new JsonArray(sgtin(serial)), ["action"] = "ADD",
            // the fourth event's business step maps onto no chip act
            ["bizStep"] = i == 3 ? "transporting" : "commissioning", ["disposition"] = "active",
            ["bizLocation"] = new JsonObject { ["id"] = "urn:chipregistry:country:TW" }, ["ilmd"] = new JsonObject { ["cbvmda:lotNumber"] = "cli-epcis-lot" },
        })]);
        // the members around the events come last, as in GS1's own samples: the file is read for them first
        var document = new JsonObject
        {
            ["type"] = "EPCISDocument", ["schemaVersion"] = "2.0", ["creationDate"] = at, ["epcisBody"] = new JsonObject { ["eventList"] = events },
            ["@context"] = new JsonArray("https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"),
        };
        var file = Path.Combine(Path.GetTempPath(), $"epcis-batches-{Guid.NewGuid():N}.jsonld");
        await File.WriteAllTextAsync(file, document.ToJsonString(), cancellationToken);
        try
        {
            var stopped = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "import", "--epcis", file, "--batch-size", "2", "--api", api.Url, "--key", api.MakerKey);
            var afterStop = await Task.WhenAll(chips.Select(c => api.EventCountAsync([c])));
            var partial = await Chipreg.RunAsync(AppContext.BaseDirectory, null, "import", "--epcis", file, "--batch-size", "2", "--partial", "--api", api.Url, "--key", api.MakerKey);
            var afterPartial = await Task.WhenAll(chips.Select(c => api.EventCountAsync([c])));

            Assert.Equal(1, stopped.ExitCode);
            using (var summary = JsonDocument.Parse(stopped.Output))
            {
                // the first capture (events 0 and 1) recorded; the second (2 and 3) refused whole; event 4 never sent
                Assert.Equal((2, 4, 2), (summary.RootElement.GetProperty("captures").GetArrayLength(), summary.RootElement.GetProperty("stoppedAtEvent").GetInt32(),
                    summary.RootElement.GetProperty("applied").GetInt32()));
                Assert.StartsWith("/epcisBody/eventList/3", summary.RootElement.GetProperty("errors")[0].GetProperty("position").GetString(), StringComparison.Ordinal);
            }
            Assert.Equal([true, true, false, false, false], afterStop.Select(n => n > 0));
            Assert.Equal(1, partial.ExitCode);
            using (var summary = JsonDocument.Parse(partial.Output))
            {
                Assert.Equal((3, 2, 2), (summary.RootElement.GetProperty("captures").GetArrayLength(), summary.RootElement.GetProperty("applied").GetInt32(),
                    summary.RootElement.GetProperty("alreadyImported").GetInt32()));
                Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("stoppedAtEvent").ValueKind);
            }
            Assert.Equal([true, true, true, false, true], afterPartial.Select(n => n > 0));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
