using System.Net;
using ChipRegistry.Api.Tests.Gs1;

namespace ChipRegistry.Api.Tests.Epcis;

public sealed class EpcisCaptureTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private readonly RegistryWorld world = new(host);

    [Fact]
    public async Task our_chip_domain_document_imports_whole_and_again_changes_nothing()
    {
        var maker = await world.MakerAsync();
        var document = await ChipDomainDocument.ArrangeAsync(host);

        var job = await EpcisCapture.CaptureAsync(host, maker.Token, document.Json);
        var operatorJob = await EpcisCapture.CaptureAsync(host, document.OperatorToken, document.OperatorJson);
        var afterFirst = await world.EventCountAsync();
        var again = await EpcisCapture.CaptureAsync(host, maker.Token, document.Json);

        Assert.Empty(job.GetProperty("errors").EnumerateArray());
        Assert.True(job.GetProperty("success").GetBoolean());
        Assert.Equal((6, 6, 0), (job.GetProperty("eventCount").GetInt32(), job.GetProperty("applied").GetInt32(), job.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal((true, 2), (operatorJob.GetProperty("success").GetBoolean(), operatorJob.GetProperty("applied").GetInt32()));
        Assert.Equal((true, 0, 6), (again.GetProperty("success").GetBoolean(), again.GetProperty("applied").GetInt32(), again.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal(afterFirst, await world.EventCountAsync());

        using var a = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{document.ChipA}");
        using var b = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{document.ChipB}");
        using var c = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{document.ChipC}");
        using var cHistory = await host.GetJsonAsync(ApiFixture.AdminKey, $"/api/v1/chips/{document.ChipC}/history");
        Assert.Equal(document.AssemblyId, a.RootElement.GetProperty("assemblyId").GetString());
        Assert.Equal(("installed", document.OperatorId), (b.RootElement.GetProperty("stage").GetString(), b.RootElement.GetProperty("custodianId").GetString()));
        Assert.Equal(("in_transit", document.OperatorId),
            (c.RootElement.GetProperty("stage").GetString(), c.RootElement.GetProperty("shipment").GetProperty("consigneeId").GetString()));
        var types = cHistory.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["chip_fabricated", "chip_shipped", "chip_event_voided", "chip_shipped"], types);
    }

    [Fact]
    public async Task a_document_with_one_bad_event_writes_nothing_unless_the_sender_asks_to_proceed()
    {
        var maker = await world.MakerAsync();
        var grant = await Gs1Setup.GrantAsync(host, maker);
        var good = grant.Sgtin(RegistryWorld.FreshId("g"));
        var document = Document(Commissioning(good), Commissioning(grant.Sgtin("bad%20serial")));
        var before = await world.EventCountAsync();

        var rolledBack = await EpcisCapture.CaptureAsync(host, maker.Token, document);
        var unchanged = await world.EventCountAsync();
        var proceeded = await EpcisCapture.CaptureAsync(host, maker.Token, document, "proceed");

        Assert.Equal((false, 0), (rolledBack.GetProperty("success").GetBoolean(), rolledBack.GetProperty("applied").GetInt32()));
        Assert.Equal(new SortedSet<(int, string)> { (1, "invalid_serial") }, EpcisCapture.Reasons(rolledBack));
        Assert.Equal(before, unchanged);
        Assert.Equal((false, 1), (proceeded.GetProperty("success").GetBoolean(), proceeded.GetProperty("applied").GetInt32()));
        Assert.Equal(new SortedSet<(int, string)> { (1, "invalid_serial") }, EpcisCapture.Reasons(proceeded));
        Assert.Equal(unchanged + 1, await world.EventCountAsync());
    }

    [Fact]
    public async Task a_serial_held_under_another_gtin_or_differing_only_in_case_is_rejected_with_its_position()
    {
        var maker = await world.MakerAsync();
        var first = await Gs1Setup.GrantAsync(host, maker);
        var second = await Gs1Setup.GrantAsync(host, maker);
        var serial = RegistryWorld.FreshId("Ab");
        Assert.True((await EpcisCapture.CaptureAsync(host, maker.Token, Document(Commissioning(first.Sgtin(serial))))).GetProperty("success").GetBoolean());
        var before = await world.EventCountAsync();

        var job = await EpcisCapture.CaptureAsync(host, maker.Token,
            Document(Commissioning(second.Sgtin(serial)), Commissioning(first.Sgtin(serial.ToUpperInvariant())), Commissioning("urn:epc:id:sgtin:7777777.012345.1")));

        var errors = job.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("position").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Equal([("/epcisBody/eventList/0/epcList/0", "epcis_serial_taken"), ("/epcisBody/eventList/1/epcList/0", "epcis_serial_case"),
            ("/epcisBody/eventList/2/epcList/0", "epcis_gtin_unmapped")], errors);
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Theory]
    [InlineData("{\"type\":\"EPCISDocument\",\"epcisBody\":{\"eventList\":[{\"type\":\"ObjectEvent\"", 400, "malformed_json")]
    [InlineData("{\"type\":\"EPCISQueryDocument\",\"epcisBody\":{\"eventList\":[]}}", 400, "epcis_invalid_document")]
    [InlineData("{\"type\":\"EPCISDocument\",\"epcisBody\":{}}", 400, "missing_field")]
    [InlineData("[1,2]", 400, "wrong_type")]
    [InlineData(Envelope + "\"epcisBody\":{\"eventList\":[]}}", 400, "missing_field")]
    [InlineData(Envelope + "\"creationDate\":\"2026-06-09T00:00:00Z\",\"sentBy\":\"x\",\"epcisBody\":{\"eventList\":[]}}", 400, "unknown_field")]
    [InlineData(Envelope + "\"creationDate\":\"2026-06-09T00:00:00Z\",\"creationdate\":\"2026-06-09T00:00:00Z\",\"epcisBody\":{\"eventList\":[]}}", 400, "duplicate_field")]
    [InlineData(Envelope + "\"creationDate\":\"1999-12-31T23:59:59Z\",\"epcisBody\":{\"eventList\":[]}}", 400, "epcis_invalid_document")]
    [InlineData(Envelope + "\"creationDate\":\"2026-06-09T00:00:00\",\"epcisBody\":{\"eventList\":[]}}", 400, "wrong_type")]
    [InlineData(Envelope + "\"creationDate\":\"2026-06-09T00:00:00Z\",\"epcisBody\":{\"eventList\":[{\"type\":\"Object\\u0000Event\"}]}}", 400, "invalid_character")]
    [InlineData("{\"@context\":\"https://example.com/our-context.jsonld\",\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-06-09T00:00:00Z\",\"epcisBody\":{\"eventList\":[]}}", 400, "epcis_invalid_document")]
    [InlineData("{\"@context\":[{\"ex\":\"https://example.com/\"}],\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-06-09T00:00:00Z\",\"epcisBody\":{\"eventList\":[]}}", 400, "wrong_type")]
    public async Task a_body_that_is_no_epcis_document_is_refused_and_writes_nothing(string body, int status, string code)
    {
        var maker = await world.MakerAsync();
        var before = await world.EventCountAsync();

        var refused = await EpcisCapture.PostAsync(host, maker.Token, body);

        Assert.Equal((status, code), ((int)refused.StatusCode, await ApiFixture.ProblemCodeAsync(refused)));
        Assert.Equal(before, await world.EventCountAsync());
    }

    [Fact]
    public async Task an_unknown_error_behaviour_a_wrong_media_type_and_another_organisations_job_are_refused()
    {
        var maker = await world.MakerAsync();
        var other = await world.ExporterAsync();
        var posted = await EpcisCapture.PostAsync(host, maker.Token, Document(), null);
        var location = posted.Headers.Location!.OriginalString;

        var behaviour = await EpcisCapture.PostAsync(host, maker.Token, Document(), "ignore");
        var media = await EpcisCapture.PostAsync(host, maker.Token, Document(), null, "text/plain");
        var foreign = await host.SendAsync(HttpMethod.Get, location, other.Token);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_error_behaviour"), (behaviour.StatusCode, await ApiFixture.ProblemCodeAsync(behaviour)));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"), (media.StatusCode, await ApiFixture.ProblemCodeAsync(media)));
        Assert.Equal((HttpStatusCode.NotFound, "capture_not_found"), (foreign.StatusCode, await ApiFixture.ProblemCodeAsync(foreign)));
    }

    [Fact]
    public async Task an_event_id_sent_again_with_other_chips_is_refused_and_another_makers_use_of_it_never_reaches_this_makers_export()
    {
        var maker = await world.MakerAsync();
        var rival = await world.PartyAsync(RegistryWorld.FreshId("rival-maker"), Domain.Organisations.OrganisationKind.Manufacturer, "US");
        var (grant, rivalGrant) = (await Gs1Setup.GrantAsync(host, maker), await Gs1Setup.GrantAsync(host, rival));
        var eventId = $"urn:uuid:{Guid.NewGuid()}";
        var first = Identified(eventId, Commissioning(grant.Sgtin(RegistryWorld.FreshId("f"))));
        var firstJob = await EpcisCapture.CaptureAsync(host, maker.Token, Document(first));
        var before = await world.EventCountAsync();

        var reused = await EpcisCapture.CaptureAsync(host, maker.Token, Document(Identified(eventId, Commissioning(grant.Sgtin(RegistryWorld.FreshId("s"))))));
        var inOneDocument = await EpcisCapture.CaptureAsync(host, maker.Token, Document(
            Identified(eventId + "1", Commissioning(grant.Sgtin(RegistryWorld.FreshId("t")))), Identified(eventId + "1", Commissioning(grant.Sgtin(RegistryWorld.FreshId("u"))))));
        var unchanged = await world.EventCountAsync();
        var again = await EpcisCapture.CaptureAsync(host, maker.Token, Document(first));
        var rivals = Identified(eventId, Commissioning(rivalGrant.Sgtin(RegistryWorld.FreshId("r"))));
        var rivalJob = await EpcisCapture.CaptureAsync(host, rival.Token, Document(rivals));

        Assert.True(firstJob.GetProperty("success").GetBoolean());
        Assert.Equal(new SortedSet<(int, string)> { (0, "epcis_event_id_reused") }, EpcisCapture.Reasons(reused));
        Assert.Equal(new SortedSet<(int, string)> { (1, "epcis_event_id_reused") }, EpcisCapture.Reasons(inOneDocument));
        Assert.Equal(before, unchanged);
        Assert.Equal((true, 0, 1), (again.GetProperty("success").GetBoolean(), again.GetProperty("applied").GetInt32(), again.GetProperty("alreadyImported").GetInt32()));
        Assert.Equal((true, 1), (rivalJob.GetProperty("success").GetBoolean(), rivalJob.GetProperty("applied").GetInt32()));
        Assert.Equal(Lot(first), await ExportedLotAsync(maker, first));
        Assert.Equal(Lot(rivals), await ExportedLotAsync(rival, rivals));
    }

    private static string Identified(string eventId, string @event) => "{\"eventID\":\"" + eventId + "\"," + @event[1..];

    private static System.Text.Json.Nodes.JsonNode Node(string @event) => System.Text.Json.Nodes.JsonNode.Parse(@event)!;

    private static string Lot(string @event) => Node(@event)["ilmd"]!["cbvmda:lotNumber"]!.GetValue<string>();

    /// <summary>The lot number the export of the commissioned chip gives its commissioning.</summary>
    private async Task<string> ExportedLotAsync(Authorization.MatrixCaller maker, string commissioning)
    {
        var sgtin = Node(commissioning)["epcList"]![0]!.GetValue<string>();
        using var export = await host.GetJsonAsync(maker.Token, $"/api/v1/chips/{maker.OrganisationId}:{sgtin[(sgtin.LastIndexOf('.') + 1)..]}/epcis");
        var exported = export.RootElement.GetProperty("epcisBody").GetProperty("eventList").EnumerateArray().Single(e => e.GetProperty("bizStep").GetString() == "commissioning");
        return exported.GetProperty("ilmd").GetProperty("cbvmda:lotNumber").GetString()!;
    }

    internal static string Commissioning(string sgtin) =>
        "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-06-01T08:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\",\"epcList\":[\"" + sgtin
        + "\"],\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"bizLocation\":{\"id\":\"urn:chipregistry:country:US\"},\"ilmd\":{\"cbvmda:lotNumber\":\""
        + RegistryWorld.FreshId("lot") + "\"}}";

    /// <summary>The start of a document, to its <c>schemaVersion</c>; a case adds the members it is about.</summary>
    private const string Envelope = "{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"],\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",";

    internal static string Document(params string[] events) =>
        "{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"],\"type\":\"EPCISDocument\",\"schemaVersion\":\"2.0\",\"creationDate\":\"2026-06-09T00:00:00Z\",\"epcisBody\":{\"eventList\":["
        + string.Join(",", events) + "]}}";
}
