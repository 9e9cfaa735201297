using Google.Protobuf;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Proto = Loggia.Ingest.Tests.Loki.Proto;

namespace Loggia.Ingest.Tests.Loki;

public class LokiPushParserTests
{
    private const string ProtobufType = "application/x-protobuf";
    private const string JsonType = "application/json";

    [Fact]
    public void Protobuf_FromGoogleProtobufAndSnappy_DecodesStreamsEntriesAndMetadata()
    {
        PushRequest request = LokiPushParser.Parse(TestBodies.ProtoBody(TestBodies.SampleProto()), ProtobufType, null);

        Assert.Equal(2, request.Streams.Count);
        Assert.Equal(3, request.EntryCount);
        PushStream api = request.Streams[0];
        Assert.Equal("{app=\"api\", env=\"prod\"}", api.RawLabels);
        Assert.Null(api.LabelsError);
        Assert.Equal("prod", api.Labels.Get("env"));
        LogEntry second = api.Entries.Span[1];
        Assert.Equal(TestBodies.BaseNanos + 1, second.TimestampNanos);
        Assert.Equal("POST /orders 500 \"quoted\" é", TestBodies.Line(second));
        Assert.Equal([new LabelPair("trace_id", "abc123"), new LabelPair("user", "ü")], second.StructuredMetadata.ToArray());
        Assert.True(api.Entries.Span[0].StructuredMetadata.IsEmpty);
        Assert.Equal(0, request.Streams[1].Entries.Span[0].Line.Length);
    }

    [Fact]
    public void Protobuf_AndEquivalentJson_DecodeToTheSameRequest()
    {
        PushRequest fromProto = LokiPushParser.Parse(TestBodies.ProtoBody(TestBodies.SampleProto()), ProtobufType, null);
        PushRequest fromJson = LokiPushParser.Parse(TestBodies.Utf8(TestBodies.SampleJson), JsonType, null);
        Assert.Equal(TestBodies.Describe(fromProto), TestBodies.Describe(fromJson));
    }

    public static TheoryData<string, string?> Encodings => new()
    {
        { ProtobufType, null },
        { ProtobufType, "snappy" },
        { ProtobufType, "gzip" },
        { ProtobufType, "deflate" },
        { "application/x-protobuf; charset=utf-8", "identity" },
        { JsonType, null },
        { JsonType, "gzip" },
        { JsonType, "deflate" },
        { JsonType, "snappy" },
        { "Application/JSON; charset=utf-8", "identity" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void EveryContentEncoding_DecodesTheSameRequest(string contentType, string? contentEncoding)
    {
        bool json = contentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        byte[] plain = json ? TestBodies.Utf8(TestBodies.SampleJson) : TestBodies.ProtoBody(TestBodies.SampleProto());
        byte[] body = contentEncoding switch
        {
            "gzip" => TestBodies.Gzip(plain),
            "deflate" => TestBodies.RawDeflate(plain),
            "snappy" when json => TestBodies.SnappyCompress(plain),
            _ => plain,
        };

        PushRequest request = LokiPushParser.Parse(body, contentType, contentEncoding);
        PushRequest expected = LokiPushParser.Parse(TestBodies.ProtoBody(TestBodies.SampleProto()), ProtobufType, null);
        Assert.Equal(TestBodies.Describe(expected), TestBodies.Describe(request));
    }

    [Fact]
    public void Deflate_AcceptsZlibWrappedBodiesToo()
    {
        byte[] body = TestBodies.Zlib(TestBodies.ProtoBody(TestBodies.SampleProto()));
        Assert.Equal(3, LokiPushParser.Parse(body, ProtobufType, "deflate").EntryCount);
    }

    [Fact]
    public void Json_WithSnappyHeaderButPlainBody_IsReadAsPlainJsonLikeLoki()
    {
        Assert.Equal(3, LokiPushParser.Parse(TestBodies.Utf8(TestBodies.SampleJson), JsonType, "snappy").EntryCount);
    }

    [Fact]
    public void MissingContentType_MeansProtobuf()
    {
        Assert.Equal(3, LokiPushParser.Parse(TestBodies.ProtoBody(TestBodies.SampleProto()), null, null).EntryCount);
    }

    [Fact]
    public void UnsupportedContentEncoding_Is400WithLokiMessage()
    {
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse([1, 2, 3], ProtobufType, "br"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("Content-Encoding \"br\" not supported", ex.Message);
    }

    [Fact]
    public void DecompressedSizeOverLimit_Is413ForEveryEncoding()
    {
        byte[] big = new byte[10_000];
        byte[] proto = TestBodies.SnappyCompress(big);
        Assert.Equal(413, Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(proto, ProtobufType, null, maxMessageBytes: 5_000)).StatusCode);
        Assert.Equal(413, Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(TestBodies.Gzip(big), JsonType, "gzip", maxMessageBytes: 5_000)).StatusCode);
        Assert.Equal(413, Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(TestBodies.RawDeflate(big), JsonType, "deflate", maxMessageBytes: 5_000)).StatusCode);
        Assert.Equal(413, Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(big, JsonType, null, maxMessageBytes: 5_000)).StatusCode);
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(proto, ProtobufType, null, maxMessageBytes: 5_000));
        Assert.Equal("received message larger than max (10000 vs 5000)", ex.Message);
    }

    [Fact]
    public void GzipBomb_StopsAtTheLimit()
    {
        byte[] bomb = TestBodies.Gzip(new byte[50_000_000]);
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(bomb, ProtobufType, "gzip", maxMessageBytes: 1 << 20));
        Assert.Equal(413, ex.StatusCode);
    }

    [Fact]
    public void DefaultLimit_IsLokis100MiB()
    {
        Assert.Equal(100 * 1024 * 1024, LokiPushParser.DefaultMaxMessageBytes);
    }

    [Fact]
    public void SequenceInput_MultiSegment_DecodesLikeTheSpan()
    {
        byte[] body = TestBodies.ProtoBody(TestBodies.SampleProto());
        var first = new Segment(body.AsMemory(0, 10));
        Segment last = first.Append(body.AsMemory(10));
        var sequence = new System.Buffers.ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.Equal(
            TestBodies.Describe(LokiPushParser.Parse(body, ProtobufType, null)),
            TestBodies.Describe(LokiPushParser.Parse(sequence, ProtobufType, null)));
    }

    [Fact]
    public void Protobuf_InvalidLabelString_KeepsTheStreamWithAnError()
    {
        var request = new Proto.PushRequest();
        var stream = new Proto.StreamAdapter { Labels = "{app=\"x\"" };
        stream.Entries.Add(TestBodies.Entry(1, "l"));
        request.Streams.Add(stream);
        PushStream decoded = Assert.Single(LokiPushParser.Parse(TestBodies.ProtoBody(request), ProtobufType, null).Streams);
        Assert.NotNull(decoded.LabelsError);
        Assert.Equal("{app=\"x\"", decoded.RawLabels);
    }

    [Fact]
    public void Protobuf_InvalidUtf8Line_IsKeptAsBytes()
    {
        // StreamAdapter{labels="{a=\"b\"}", entries=[EntryAdapter{line=FF FE}]} written by hand: C# strings cannot hold it.
        byte[] labels = TestBodies.Utf8("{a=\"b\"}");
        byte[] entry = [0x12, 0x02, 0xFF, 0xFE];
        byte[] stream = [0x0A, (byte)labels.Length, .. labels, 0x12, (byte)entry.Length, .. entry];
        byte[] message = [0x0A, (byte)stream.Length, .. stream];
        PushRequest request = LokiPushParser.Parse(TestBodies.SnappyCompress(message), ProtobufType, null);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, request.Streams[0].Entries.Span[0].Line.ToArray());
    }

    [Fact]
    public void Protobuf_UnknownFieldsAreSkipped()
    {
        Proto.PushRequest proto = TestBodies.SampleProto();
        proto.Format = "loki";
        proto.Streams[0].Entries[0].Parsed.Add(new Proto.LabelPairAdapter { Name = "p", Value = "v" });
        byte[] message = [.. proto.ToByteArray(), 0x98, 0x06, 0x01, 0xA1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0xAD, 0x06, 1, 2, 3, 4];
        Assert.Equal(3, LokiPushParser.Parse(TestBodies.SnappyCompress(message), ProtobufType, null).EntryCount);
    }

    public static TheoryData<byte[], string> MalformedProtobuf => new()
    {
        { [0x0A, 0x05, 0x0A], "unexpected EOF" },
        { [0x0A, 0x02, 0x08, 0x01], "proto: wrong wireType = 0 for field Labels" },
        { [0x08, 0x01], "proto: wrong wireType = 0 for field Streams" },
        { [0x0A, 0x04, 0x12, 0x02, 0x10, 0x01], "proto: wrong wireType = 0 for field Line" },
        { [0x0A, 0x04, 0x12, 0x02, 0x08, 0x01], "proto: wrong wireType = 0 for field Timestamp" },
        { [0x0A, 0x02, 0x10, 0x01], "proto: wrong wireType = 0 for field Entries" },
        { [0x0A, 0x02, 0x1A, 0x00], "proto: wrong wireType = 2 for field Hash" },
        { [0x0C], "proto: PushRequest: wiretype end group for non-group" },
        { [0x00], "proto: PushRequest: illegal tag 0 (wire type 0)" },
        { [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "proto: integer overflow" },
        { [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "proto: negative length found during unmarshaling" },
        { [0x0A, 0x0A, 0x12, 0x08, 0x0A, 0x06, 0x10, 0x80, 0x94, 0xEB, 0xDC, 0x03], "timestamp: seconds:0 nanos:1000000000: nanos not in range [0, 1e9)" },
        { [0x13], "proto: groups are not supported" },
        { [0x17], "proto: illegal wireType 7" },
    };

    [Theory]
    [MemberData(nameof(MalformedProtobuf))]
    public void Protobuf_Malformed_Is400WithGogoStyleMessage(byte[] message, string expected)
    {
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(TestBodies.SnappyCompress(message), ProtobufType, null));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(expected, ex.Message);
    }

    [Fact]
    public void Protobuf_TruncatedAtEveryByte_FailsCleanly()
    {
        byte[] message = TestBodies.SampleProto().ToByteArray();
        for (int n = 1; n < message.Length; n++)
        {
            try
            {
                LokiPushParser.Parse(TestBodies.SnappyCompress(message.AsSpan(0, n)), ProtobufType, null);
            }
            catch (PushRequestException ex)
            {
                Assert.Equal(400, ex.StatusCode);
            }
        }
    }

    [Fact]
    public void Protobuf_TimestampOutsideInt64Nanos_Is400()
    {
        var request = new Proto.PushRequest();
        var stream = new Proto.StreamAdapter { Labels = "{a=\"b\"}" };
        stream.Entries.Add(new Proto.EntryAdapter { Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 253402300799 }, Line = "x" });
        request.Streams.Add(stream);
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(TestBodies.ProtoBody(request), ProtobufType, null));
        Assert.Contains("outside the range of int64 nanoseconds", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x10, 0x00, 0x00 })]
    public void BadSnappy_Is400SnappyCorruptInput(byte[] body)
    {
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(body, ProtobufType, null));
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("snappy: corrupt input", ex.Message);
    }

    [Theory]
    [InlineData("gzip", new byte[] { 1, 2, 3 }, "gzip: invalid header")]
    [InlineData("gzip", new byte[] { }, "gzip: unexpected EOF")]
    [InlineData("gzip", new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF }, "gzip: invalid compressed data")]
    [InlineData("deflate", new byte[] { 0xFF, 0xFF, 0xFF }, "deflate: invalid compressed data")]
    public void BadCompression_Is400(string encoding, byte[] body, string messageStart)
    {
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(body, ProtobufType, encoding));
        Assert.Equal(400, ex.StatusCode);
        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"streams\":{}}")]
    [InlineData("{\"streams\":[1]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":1},\"values\":[]}]}")]
    [InlineData("{\"streams\":[{\"stream\":[],\"values\":[]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[1,\"line\"]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1.5\",\"line\"]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"x\",\"line\"]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\"]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",2]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"l\",{\"k\":1}]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"l\",{},\"extra\"]]}]}")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[\"1\"]}]}")]
    [InlineData("{\"streams\":[]} trailing")]
    [InlineData("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"bad \\x escape\"]]}]}")]
    public void Json_Malformed_Is400(string json)
    {
        var ex = Assert.Throws<PushRequestException>(() => LokiPushParser.Parse(TestBodies.Utf8(json), JsonType, null));
        Assert.Equal(400, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.Message));
    }

    [Fact]
    public void Json_InvalidUtf8InALine_IsKeptAsBytes()
    {
        // Utf8JsonReader does not validate string contents and Loki (Go strings) does not either: bytes pass through.
        byte[] body = [.. TestBodies.Utf8("{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\""), 0xFF, 0xFE, .. TestBodies.Utf8("\"]]}]}")];
        PushRequest request = LokiPushParser.Parse(body, JsonType, null);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, request.Streams[0].Entries.Span[0].Line.ToArray());
    }

    [Fact]
    public void Json_InvalidUtf8InALabelValue_RefusesOnlyThatStream()
    {
        byte[] body = [.. TestBodies.Utf8("{\"streams\":[{\"stream\":{\"a\":\""), 0xFF, .. TestBodies.Utf8("\"},\"values\":[[\"1\",\"x\"]]},{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"y\"]]}]}")];
        PushRequest request = LokiPushParser.Parse(body, JsonType, null);
        Assert.Equal("parse error: invalid UTF-8 rune", request.Streams[0].LabelsError);
        Assert.Equal("{a=\"\uFFFD\"}", request.Streams[0].RawLabels);
        Assert.Null(request.Streams[1].LabelsError);
    }

    [Fact]
    public void Json_UnknownPropertiesAndNulls_AreIgnored()
    {
        const string json = """{"extra":{"x":[1,2]},"streams":[{"values":[["5","a"]],"other":true,"stream":{"a":"b"}},{"stream":null,"values":null}]}""";
        PushRequest request = LokiPushParser.Parse(TestBodies.Utf8(json), JsonType, null);
        Assert.Equal(2, request.Streams.Count);
        Assert.Equal("{a=\"b\"}", request.Streams[0].Labels.ToString());
        Assert.Equal(5, request.Streams[0].Entries.Span[0].TimestampNanos);
        Assert.Equal(0, request.Streams[1].Labels.Count);
    }

    [Fact]
    public void Json_EscapesInLinesAreUnescaped()
    {
        const string json = """{"streams":[{"stream":{"a":"b"},"values":[["1","tab\there \"q\" \u00e9 \ud83d\ude00 \\ \/"]]}]}""";
        PushRequest request = LokiPushParser.Parse(TestBodies.Utf8(json), JsonType, null);
        Assert.Equal("tab\there \"q\" é 😀 \\ /", TestBodies.Line(request.Streams[0].Entries.Span[0]));
    }

    [Fact]
    public void Json_InvalidLabelNames_KeepTheStreamWithAnError()
    {
        const string json = """{"streams":[{"stream":{"service.name":"x"},"values":[["1","l"]]}]}""";
        PushStream stream = Assert.Single(LokiPushParser.Parse(TestBodies.Utf8(json), JsonType, null).Streams);
        Assert.NotNull(stream.LabelsError);
        Assert.Equal("{service.name=\"x\"}", stream.RawLabels);
    }

    [Fact]
    public void Json_LargeLines_AreCopiedIntact()
    {
        string line = new('x', 200_000);
        string json = "{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"" + line + "\"],[\"2\",\"small\"]]}]}";
        PushRequest request = LokiPushParser.Parse(TestBodies.Utf8(json), JsonType, null);
        Assert.Equal(line, TestBodies.Line(request.Streams[0].Entries.Span[0]));
        Assert.Equal("small", TestBodies.Line(request.Streams[0].Entries.Span[1]));
    }

    [Fact]
    public void RandomBytes_NeverThrowAnythingButPushRequestException()
    {
        var random = new Random(1234);
        byte[] valid = TestBodies.SampleProto().ToByteArray();
        byte[] validJson = TestBodies.Utf8(TestBodies.SampleJson);
        string?[] encodings = [null, "gzip", "deflate", "snappy"];
        for (int i = 0; i < 3000; i++)
        {
            byte[] body;
            bool json = (i & 1) == 0;
            if (i % 3 == 0)
            {
                body = new byte[random.Next(0, 200)];
                random.NextBytes(body);
            }
            else
            {
                // Mutations of valid messages reach deeper into the decoders than noise does.
                body = (byte[])(json ? validJson : valid).Clone();
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                if (!json)
                {
                    body = TestBodies.SnappyCompress(body);
                }
            }

            string? encoding = encodings[random.Next(encodings.Length)];
            try
            {
                LokiPushParser.Parse(body, json ? JsonType : ProtobufType, encoding);
            }
            catch (PushRequestException ex)
            {
                Assert.True(ex.StatusCode is 400 or 413);
            }
        }
    }

    private sealed class Segment : System.Buffers.ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
