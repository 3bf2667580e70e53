using System.IO.Pipelines;
using System.Text;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Tests.Chips;

/// <summary>The streamed lot reader resumes across any split of the body, down to one byte per read.</summary>
public sealed class LotBodyReaderTests
{
    private const string Body = """ { "lotId" : "TW-1", "modelId":"nvidia-h100-sxm","COUNTRY":"TW","fabricatedAt":"2026-01-05T10:00:00+08:00", "serials" : [ "nvidia:a\u0031", "nvidia:b2" ,"nvidia:c3"] } """;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task a_body_read_in_pieces_of_any_size_gives_the_header_and_every_serial_in_order(int piece)
    {
        var reader = new LotBodyReader(PipeReader.Create(new Trickle(Encoding.UTF8.GetBytes(Body), piece)));

        var header = await reader.ReadHeaderAsync(TestContext.Current.CancellationToken);
        var serials = new List<string>();
        await foreach (var serial in reader.SerialsAsync(TestContext.Current.CancellationToken))
        {
            serials.Add(serial);
        }

        Assert.Equal(("TW-1", "nvidia-h100-sxm", "TW"), (header.LotId, header.ModelId, header.Country));
        Assert.Equal(NodaTime.Instant.FromUtc(2026, 1, 5, 2, 0), header.FabricatedAt?.ToInstant());
        Assert.Equal(["nvidia:a1", "nvidia:b2", "nvidia:c3"], serials);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task garbage_after_the_lot_fails_the_serial_stream_before_it_completes(int piece)
    {
        var reader = new LotBodyReader(PipeReader.Create(new Trickle(Encoding.UTF8.GetBytes(Body + "{}"), piece)));
        await reader.ReadHeaderAsync(TestContext.Current.CancellationToken);

        var problem = await Assert.ThrowsAsync<ApiProblemException>(async () =>
        {
            await foreach (var _ in reader.SerialsAsync(TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal("malformed_json", problem.Code);
    }

    /// <summary>A body that arrives <c>piece</c> bytes per read.</summary>
    [Theory]
    [InlineData(60 * 1024, true)]
    [InlineData(70 * 1024, false)]
    public async Task a_run_of_whitespace_between_serials_is_read_up_to_64_kib_and_refused_past_it(int run, bool read)
    {
        var body = Body.Replace("\"nvidia:b2\"", new string(' ', run) + "\"nvidia:b2\"", StringComparison.Ordinal);
        var reader = new LotBodyReader(PipeReader.Create(new Trickle(Encoding.UTF8.GetBytes(body), 4096)));
        await reader.ReadHeaderAsync(TestContext.Current.CancellationToken);

        async Task<int> CountAsync()
        {
            var count = 0;
            await foreach (var _ in reader.SerialsAsync(TestContext.Current.CancellationToken)) count++;
            return count;
        }

        if (read)
        {
            Assert.Equal(3, await CountAsync());
            return;
        }
        var problem = await Assert.ThrowsAsync<ApiProblemException>(CountAsync);
        Assert.Equal("malformed_json", problem.Code);
        Assert.Contains("64 KiB", problem.Detail, StringComparison.Ordinal);
    }

    private sealed class Trickle(byte[] bytes, int piece) : Stream
    {
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(piece, count), bytes.Length - position);
            Array.Copy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(piece, buffer.Length), bytes.Length - position);
            bytes.AsMemory(position, n).CopyTo(buffer);
            position += n;
            return ValueTask.FromResult(n);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
