using ChipRegistry.Api.Tests.Gs1;

namespace ChipRegistry.Api.Tests.Epcis;

/// <summary>
/// Acceptance: every GS1 reference document imported unchanged gives the outcome docs/epcis-mapping.md predicts (each is
/// rejected whole, with these reasons per event), and a copy with its dates moved to 2025 only loses the date reason.
/// The importer holds the samples' company prefix 0614141, with their GTIN 10614141073464 mapped to one of its models.
/// </summary>
public sealed class EpcisReferenceDocumentTests(ApiFixture host) : IClassFixture<ApiFixture>
{
    private const string Time = "business_time_out_of_range";

    public static TheoryData<string, string> Predictions() => new()
    {
        { "AssociationEvent-a.jsonld", "0 epcis_event_type_unsupported" },
        { "ErrorDeclarationAndCorrectiveEvent.jsonld", "0 epcis_event_type_unsupported; 1 epcis_event_type_unsupported" },
        { "Example-TransactionEvents-2020_07_03y.jsonld",
            "0 epcis_biz_step_unmapped; 0 epcis_identifier_unsupported; 1 business_time_out_of_range; 1 epcis_biz_step_unmapped; 1 epcis_identifier_unsupported" },
        { "Example_9.6.1-ObjectEvent.jsonld",
            "0 business_time_out_of_range; 0 epcis_party_unmapped; 0 epcis_location_unmapped; 0 epcis_serial_unknown; 1 business_time_out_of_range; 1 epcis_location_unmapped; 1 epcis_serial_unknown" },
        { "Example_9.6.3-AggregationEvent.jsonld",
            "0 business_time_out_of_range; 0 epcis_quantity_unsupported; 0 epcis_identifier_unsupported; 0 epcis_biz_step_unmapped; 0 epcis_serial_unknown" },
        { "SensorDataExample1.jsonld", "0 epcis_biz_step_unmapped; 0 epcis_gtin_unmapped" },
        { "aggregation_event_all_possible_fields.jsonld",
            "0 business_time_out_of_range; 0 epcis_quantity_unsupported; 0 epcis_identifier_unsupported; 0 epcis_biz_step_unmapped; 0 epcis_serial_unknown" },
        { "object_event_all_possible_fields.jsonld",
            "0 business_time_out_of_range; 0 epcis_quantity_unsupported; 0 epcis_location_unmapped; 0 epcis_serial_unknown" },
        { "transaction_event_all_possible_fields.jsonld",
            "0 business_time_out_of_range; 0 epcis_identifier_unsupported; 0 epcis_quantity_unsupported; 0 epcis_party_unmapped; 0 epcis_location_unmapped; 0 epcis_serial_unknown" },
    };

    [Theory]
    [MemberData(nameof(Predictions))]
    public async Task a_gs1_reference_document_is_rejected_with_the_reasons_the_mapping_predicts_and_writes_nothing(string document, string predicted)
    {
        var importer = await ImporterAsync();
        var world = new RegistryWorld(host);
        var expected = Parse(predicted);
        var before = await world.EventCountAsync();

        var job = await EpcisCapture.CaptureAsync(host, importer.Token, EpcisVectors.Read(document));
        var moved = await EpcisCapture.CaptureAsync(host, importer.Token, EpcisVectors.MovedTo2025(document));

        Assert.False(job.GetProperty("success").GetBoolean());
        Assert.Equal(expected, EpcisCapture.Reasons(job));
        Assert.Equal(new SortedSet<(int, string)>(expected.Where(r => r.Code != Time)), EpcisCapture.Reasons(moved));
        Assert.All(job.GetProperty("errors").EnumerateArray(), e => Assert.StartsWith("/epcisBody/eventList/", e.GetProperty("position").GetString(), StringComparison.Ordinal));
        Assert.Equal(before, await world.EventCountAsync());
    }

    private static SortedSet<(int Event, string Code)> Parse(string predicted) =>
        new(predicted.Split("; ").Select(p => p.Split(' ')).Select(p => (int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), p[1])));

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static readonly Dictionary<ApiFixture, Authorization.MatrixCaller> Importers = [];

    /// <summary>The holder of the samples' prefix 0614141, with GTIN 10614141073464 mapped (once per host: a prefix has one holder).</summary>
    private async Task<Authorization.MatrixCaller> ImporterAsync()
    {
        await Once.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!Importers.TryGetValue(host, out var importer))
            {
                importer = await new RegistryWorld(host).PartyAsync("epcis-sample-maker", Domain.Organisations.OrganisationKind.Manufacturer, "US");
                var modelId = await Gs1Setup.ModelAsync(host, importer);
                await Gs1Setup.GrantPrefixAsync(host, importer.OrganisationId, "0614141");
                var mapped = await host.SendAsync(HttpMethod.Post, "/api/v1/gs1/gtins", importer.Token, new { gtin = "10614141073464", modelId });
                Assert.Equal(System.Net.HttpStatusCode.Created, mapped.StatusCode);
                Importers[host] = importer;
            }
            return importer;
        }
        finally
        {
            Once.Release();
        }
    }
}
