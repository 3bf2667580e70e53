using System.Text;
using ChipRegistry.Cli.Import;

namespace ChipRegistry.Cli.Tests.Import;

public sealed class EpcisFileReaderTests
{
    /// <summary>
    /// <c>chipreg import --epcis</c> reads its file twice as a stream: the reader's buffer follows the largest single
    /// event (one of about 200 KB here, in a file of about 7 MB), never the file, on either pass, so the importer's
    /// memory is one capture whatever the file's size.
    /// </summary>
    [Fact]
    public async Task both_passes_hold_room_for_the_largest_event_not_for_the_file()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const int events = 20_000;
        const int large = 5_000;
        var file = Document(events, large, 200_000);

        using var first = new MemoryStream(file);
        var envelopeReader = new EpcisFileReader(first);
        var envelope = await envelopeReader.EnvelopeAsync(cancellationToken);
        using var second = new MemoryStream(file);
        var reader = new EpcisFileReader(second);
        var read = 0;
        var largestBuffer = 0;
        var bufferWhenLargeRead = 0;
        await foreach (var element in reader.EventsAsync(cancellationToken))
        {
            largestBuffer = Math.Max(largestBuffer, reader.BufferLength);
            if (read == large) bufferWhenLargeRead = reader.BufferLength;
            read++;
        }

        Assert.Equal(["@context", "type", "schemaVersion", "creationDate"], envelope.Select(p => p.Key));
        Assert.Equal(file.Length, envelopeReader.BytesRead);
        Assert.Equal(events, read);
        Assert.True(file.Length > 7_000_000, $"the file is {file.Length} bytes");
        Assert.True(bufferWhenLargeRead >= 200_000, $"the large event was read in a buffer of {bufferWhenLargeRead} bytes");
        Assert.True(largestBuffer <= 512 * 1024, $"the reader held room for {largestBuffer} bytes of a {file.Length}-byte file");
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
