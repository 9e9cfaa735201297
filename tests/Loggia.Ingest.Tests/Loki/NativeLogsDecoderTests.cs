using Loggia.Core.Model;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Tests.Loki;

public class NativeLogsDecoderTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private const long NowNanos = 1_714_564_800_000_000_000L;

    private static PushRequest Decode(string json, string? encoding = null) =>
        LokiPushParser.ParseNative(TestBodies.Utf8(json), encoding, new FixedTime(Now));

    [Fact]
    public void SingleObject_BecomesOneStreamWithOneEntry()
    {
        PushRequest request = Decode("""{"timestamp":"2024-05-01T12:00:00.123456789Z","message":"hi","labels":{"app":"api"},"metadata":{"trace_id":"t1"}}""");
        PushStream stream = Assert.Single(request.Streams);
        Assert.Equal("{app=\"api\"}", stream.Labels.ToString());
        LogEntry entry = stream.Entries.Span[0];
        Assert.Equal(NowNanos + 123_456_789, entry.TimestampNanos);
        Assert.Equal("hi", TestBodies.Line(entry));
        Assert.Equal([new LabelPair("trace_id", "t1")], entry.StructuredMetadata.ToArray());
    }

    [Fact]
    public void Array_GroupsRecordsByLabelsInFirstSeenOrder()
    {
        PushRequest request = Decode("""
            [{"message":"a","labels":{"app":"x","env":"p"}},
             {"message":"b","labels":{"app":"y"}},
             {"message":"c","labels":{"env":"p","app":"x"}}]
            """);
        Assert.Equal(2, request.Streams.Count);
        Assert.Equal(2, request.Streams[0].Entries.Length);
        Assert.Equal("c", TestBodies.Line(request.Streams[0].Entries.Span[1]));
        Assert.Equal(NowNanos, request.Streams[0].Entries.Span[0].TimestampNanos);
    }

    [Theory]
    [InlineData("1714564800", NowNanos)]
    [InlineData("1714564800.5", NowNanos + 500_000_000)]
    [InlineData("1714564800123", NowNanos + 123_000_000)]
    [InlineData("1714564800123456", NowNanos + 123_456_000)]
    [InlineData("1714564800123456789", NowNanos + 123_456_789)]
    [InlineData("\"2024-05-01T14:00:00+02:00\"", NowNanos)]
    [InlineData("\"2024-05-01T12:00:00.5Z\"", NowNanos + 500_000_000)]
    [InlineData("\"2024-05-01T12:00:00.1234567891Z\"", NowNanos + 123_456_789)]
    [InlineData("null", NowNanos)]
    public void Timestamp_UnitIsToldByMagnitudeOrParsedAsRfc3339(string timestamp, long expected)
    {
        PushRequest request = Decode("{\"timestamp\":" + timestamp + ",\"message\":\"m\",\"labels\":{\"a\":\"b\"}}");
        Assert.Equal(expected, request.Streams[0].Entries.Span[0].TimestampNanos);
    }

    [Theory]
    [InlineData("{\"labels\":{\"a\":\"b\"}}")]
    [InlineData("{\"message\":1}")]
    [InlineData("{\"message\":\"m\",\"timestamp\":\"yesterday\"}")]
    [InlineData("{\"message\":\"m\",\"timestamp\":\"2024-05-01T12:00:00\"}")]
    [InlineData("{\"message\":\"m\",\"timestamp\":true}")]
    [InlineData("{\"message\":\"m\",\"timestamp\":1e30}")]
    [InlineData("{\"message\":\"m\",\"labels\":{\"a\":2}}")]
    [InlineData("[1]")]
    [InlineData("{\"message\":\"m\"} {}")]
    public void Malformed_Is400(string json)
    {
        Assert.Equal(400, Assert.Throws<PushRequestException>(() => Decode(json)).StatusCode);
    }

    [Fact]
    public void GzipBody_IsDecoded()
    {
        byte[] body = TestBodies.Gzip(TestBodies.Utf8("""{"message":"m","labels":{"a":"b"}}"""));
        Assert.Equal(1, LokiPushParser.ParseNative(body, "gzip", new FixedTime(Now)).EntryCount);
    }

    [Fact]
    public void RandomBytes_NeverThrowAnythingButPushRequestException()
    {
        var random = new Random(99);
        byte[] valid = TestBodies.Utf8("""[{"timestamp":1714564800,"message":"m","labels":{"a":"b"},"metadata":{"k":"v"}}]""");
        for (int i = 0; i < 2000; i++)
        {
            byte[] body = (byte[])valid.Clone();
            for (int m = random.Next(1, 4); m > 0; m--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            try
            {
                LokiPushParser.ParseNative(body, null, new FixedTime(Now));
            }
            catch (PushRequestException ex)
            {
                Assert.Equal(400, ex.StatusCode);
            }
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
