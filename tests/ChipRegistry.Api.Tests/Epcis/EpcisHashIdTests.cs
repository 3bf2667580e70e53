using ChipRegistry.Api.Epcis;

namespace ChipRegistry.Api.Tests.Epcis;

public sealed class EpcisHashIdTests
{
    /// <summary>Every event of GS1's samples that carries a hash id as its eventID, except the sensor example (sensor reports are hashed generically).</summary>
    public static TheoryData<string, int> HashedEvents() => new()
    {
        { "Example_9.6.1-ObjectEvent.jsonld", 0 },
        { "Example_9.6.1-ObjectEvent.jsonld", 1 },
        { "Example_9.6.3-AggregationEvent.jsonld", 0 },
        { "AssociationEvent-a.jsonld", 0 },
    };

    [Theory]
    [MemberData(nameof(HashedEvents))]
    public void the_hash_id_of_a_gs1_sample_event_is_the_one_it_carries(string document, int index)
    {
        var e = EpcisVectors.Events(document)[index];

        Assert.Equal(e.GetProperty("eventID").GetString(), EpcisHashId.Compute(e, EpcisVectors.Namespaces(document)));
    }

    [Fact]
    public void the_hash_id_ignores_member_order_and_eventid_and_changes_with_any_field()
    {
        var e = EpcisVectors.Events("Example_9.6.1-ObjectEvent.jsonld")[0];
        var reordered = System.Text.Json.JsonDocument.Parse(
            """{"readPoint":{"id":"urn:epc:id:sgln:0614141.07346.1234"},"bizTransactionList":[{"type":"po","bizTransaction":"http://transaction.acme.com/po/12345678"}],"eventTimeZoneOffset":"-06:00","eventTime":"2005-04-03T20:33:31.116000-06:00","epcList":["urn:epc:id:sgtin:0614141.107346.2018","urn:epc:id:sgtin:0614141.107346.2017"],"disposition":"in_transit","bizStep":"shipping","action":"OBSERVE","type":"ObjectEvent"}""").RootElement;
        var otherSerial = System.Text.Json.JsonDocument.Parse(reordered.GetRawText().Replace(".2018\"", ".2019\"", StringComparison.Ordinal)).RootElement;

        Assert.Equal(e.GetProperty("eventID").GetString(), EpcisHashId.Compute(reordered));
        Assert.NotEqual(EpcisHashId.Compute(reordered), EpcisHashId.Compute(otherSerial));
    }
}
