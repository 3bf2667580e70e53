using System.Text;
using ChipRegistry.Api.Epcis;
using NodaTime;

namespace ChipRegistry.Api.Tests.Epcis;

public sealed class EpcisDocumentReaderTests
{
    /// <summary>
    /// A capture's body is read as it arrives: the reader's buffer follows the largest single event (one of about
    /// 200 KB here, in a document of about 7 MB), never the document, so a long body does not grow the API's memory
    /// before its events are decided.
    /// </summary>
    [Fact]
    public async Task the_reader_holds_room_for_the_largest_event_not_for_the_document()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const int events = 20_000;
        const int large = 5_000;
        var document = Document(events, large, 200_000);
        using var body = new MemoryStream(document);
        var reader = new EpcisDocumentReader(body, Instant.FromUtc(2100, 1, 1, 0, 0));

        var read = 0;
        var largestBuffer = 0;
        var bufferWhenLargeRead = 0;
        await foreach (var element in reader.EventsAsync(cancellationToken))
        {
            using (element)
            {
                Assert.Equal(read, element.Index);
                largestBuffer = Math.Max(largestBuffer, reader.BufferLength);
                if (element.Index == large) bufferWhenLargeRead = reader.BufferLength;
                read++;
            }
        }

        Assert.Equal(events, read);
        Assert.True(document.Length > 7_000_000, $"the document is {document.Length} bytes");
        Assert.True(bufferWhenLargeRead >= 200_000, $"the large event was read in a buffer of {bufferWhenLargeRead} bytes");
        Assert.True(largestBuffer <= 512 * 1024, $"the reader held room for {largestBuffer} bytes of a {document.Length}-byte document");
    }

    /// <summary>A document of <paramref name="events"/> commissioning events of about 450 bytes, the one at <paramref name="large"/> padded to <paramref name="largeBytes"/>.</summary>
    private static byte[] Document(int events, int large, int largeBytes)
    {
        var text = new StringBuilder(events * 460 + largeBytes);
        text.Append("""{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-06-01T00:00:00Z","epcisBody":{"eventList":[""");
        for (var n = 0; n < events; n++)
        {
            if (n > 0) text.Append(',');
            var lot = n == large ? new string('x', largeBytes) : $"reader-lot-{n / 1000}";
            text.Append($$$"""{"eventID":"urn:uuid:{{{Guid.NewGuid()}}}","type":"ObjectEvent","eventTime":"2026-05-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.r{{{n:D9}}}"],"action":"ADD","bizStep":"commissioning","disposition":"active","bizLocation":{"id":"urn:chipregistry:country:TW"},"ilmd":{"cbvmda:lotNumber":"{{{lot}}}"}}""");
        }
        text.Append("]}}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
