using System.Text;
using Loggia.Core.Model;
using Loggia.Storage.Head;
using static Loggia.Storage.Tests.Head.HeadTestSupport;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadWalRecordTests
{
    private static byte[] SamplePayload()
    {
        var writer = new HeadWalRecordWriter(16);
        writer.Reset(Tenant);
        writer.AddStream(Labels.Parse("{app=\"api\", env=\"prod\"}"),
        [
            Entry(BaseNanos, "first", ("trace_id", "abc"), ("user", "ünïcode")),
            Entry(BaseNanos - 5, "older"),
            Entry(long.MaxValue, ""),
            Entry(long.MinValue, "min"),
        ]);
        writer.AddStream(Labels.Parse("{app=\"web\"}"), [Entry(-1, new string('x', 300))]);
        return writer.Payload.ToArray();
    }

    [Fact]
    public void RoundTrip_PreservesTenantLabelsTimestampsLinesAndMetadata()
    {
        HeadWalBatch batch = HeadWalRecord.Decode(SamplePayload());

        Assert.Equal(Tenant, batch.Tenant);
        Assert.Equal(2, batch.Streams.Count);
        Assert.Equal("{app=\"api\", env=\"prod\"}", batch.Streams[0].Labels.ToString());
        LogEntry[] first = batch.Streams[0].Entries;
        Assert.Equal([BaseNanos, BaseNanos - 5, long.MaxValue, long.MinValue], Array.ConvertAll(first, e => e.TimestampNanos));
        Assert.Equal("first", Encoding.UTF8.GetString(first[0].Line.Span));
        Assert.Equal([new LabelPair("trace_id", "abc"), new LabelPair("user", "ünïcode")], first[0].StructuredMetadata.ToArray());
        Assert.True(first[1].StructuredMetadata.IsEmpty);
        Assert.Equal(0, first[2].Line.Length);
        Assert.Equal(300, batch.Streams[1].Entries[0].Line.Length);
        Assert.Equal(-1, batch.Streams[1].Entries[0].TimestampNanos);
    }

    [Fact]
    public void Writer_WithOutcomes_WritesOnlyAppendedEntriesAndSkipsEmptyStreams()
    {
        var writer = new HeadWalRecordWriter();
        writer.Reset(Tenant);
        LogEntry[] entries = [Entry(1, "a"), Entry(2, "dup"), Entry(3, "old"), Entry(4, "b")];
        HeadAppendOutcome[] outcomes = [HeadAppendOutcome.Appended, HeadAppendOutcome.Duplicate, HeadAppendOutcome.TooFarBehind, HeadAppendOutcome.Appended];

        Assert.Equal(2, writer.AddStream(Labels.Parse("{a=\"1\"}"), entries, outcomes));
        Assert.Equal(0, writer.AddStream(Labels.Parse("{a=\"2\"}"), entries, [HeadAppendOutcome.Duplicate, 0, 0, 0]));

        HeadWalBatch batch = HeadWalRecord.Decode(writer.Payload.Span);
        HeadWalStreamEntries stream = Assert.Single(batch.Streams);
        Assert.Equal([1L, 4L], Array.ConvertAll(stream.Entries, e => e.TimestampNanos));
        Assert.Equal(1, writer.StreamCount);
        Assert.Equal(2, writer.EntryCount);
    }

    [Fact]
    public void Writer_Reset_StartsAFreshPayload()
    {
        var writer = new HeadWalRecordWriter();
        writer.Reset(Tenant);
        writer.AddStream(Labels.Parse("{a=\"1\"}"), [Entry(1, "a")]);
        writer.Reset(TenantId.Create("other"));

        HeadWalBatch batch = HeadWalRecord.Decode(writer.Payload.Span);
        Assert.Equal("other", batch.Tenant.Value);
        Assert.Empty(batch.Streams);
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsHeadWalRecordException()
    {
        byte[] payload = SamplePayload();

        // Cuts inside the tenant, a stream header or an entry must all be reported as corruption. Exactly two cuts
        // fall on a boundary and are valid shorter payloads: after the tenant and after the first stream.
        int valid = 0;
        for (int length = 0; length < payload.Length; length++)
        {
            try
            {
                HeadWalRecord.Decode(payload.AsSpan(0, length));
                valid++;
            }
            catch (HeadWalRecordException)
            {
            }
        }

        Assert.Equal(2, valid);
    }

    [Fact]
    public void Decode_UnknownVersion_ThrowsWithClearMessage()
    {
        byte[] payload = SamplePayload();
        payload[0] = 2;

        var e = Assert.Throws<HeadWalRecordException>(() => HeadWalRecord.Decode(payload));
        Assert.Contains("unknown format version 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 4, (byte)'f', (byte)'a', (byte)'k', (byte)'e', 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "label count")]
    [InlineData(new byte[] { 1, 4, (byte)'f', (byte)'a', (byte)'k', (byte)'e', 1, 1, 0xC3, 0, 0 }, "not valid UTF-8")]
    [InlineData(new byte[] { 1, 2, (byte)'/', (byte)'x' }, "invalid tenant")]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, "overflows")]
    [InlineData(new byte[] { 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "varint")]
    [InlineData(new byte[] { 1, 4, (byte)'f', (byte)'a', (byte)'k', (byte)'e', 0, 0xFF, 0x7F }, "entry count")]
    [InlineData(new byte[] { 1, 4, (byte)'f', (byte)'a', (byte)'k', (byte)'e', 0, 1, 0, 100, 0 }, "runs past the end")]
    public void Decode_MalformedPayload_ThrowsHeadWalRecordExceptionNamingTheField(byte[] payload, string expected)
    {
        var e = Assert.Throws<HeadWalRecordException>(() => HeadWalRecord.Decode(payload));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrowsAnythingButHeadWalRecordException()
    {
        var random = new Random(12345);
        byte[] valid = SamplePayload();
        for (int round = 0; round < 3000; round++)
        {
            byte[] payload;
            if (round % 2 == 0)
            {
                payload = new byte[random.Next(0, 64)];
                random.NextBytes(payload);
                if (payload.Length > 0 && random.Next(2) == 0)
                {
                    payload[0] = HeadWalRecord.FormatVersion; // get past the version check more often
                }
            }
            else
            {
                // Flip a few bytes of a valid payload: exercises the deeper fields.
                payload = (byte[])valid.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    payload[random.Next(payload.Length)] = (byte)random.Next(256);
                }
            }

            try
            {
                HeadWalRecord.Decode(payload);
            }
            catch (HeadWalRecordException)
            {
            }
        }
    }
}
