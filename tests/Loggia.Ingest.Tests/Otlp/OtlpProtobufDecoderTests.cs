using System.Text;
using Google.Protobuf;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Ingest.Tests.Otlp.Proto.Collector;
using Loggia.Ingest.Tests.Otlp.Proto.Common;
using Loggia.Ingest.Tests.Otlp.Proto.Logs;
using static Loggia.Ingest.Tests.Otlp.OtlpTestData;

namespace Loggia.Ingest.Tests.Otlp;

public sealed class OtlpProtobufDecoderTests
{
    private static readonly FixedTime Clock = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));

    private static PushRequest Decode(IMessage message) => OtlpProtobufDecoder.Decode(message.ToByteArray(), Clock);

    [Fact]
    public void FullRequest_MapsLikeLoki_LabelsMetadataTimestampAndLine()
    {
        var push = Decode(Full());

        var stream = Assert.Single(push.Streams);
        Assert.Equal("{k8s_pod_name=\"checkout-7d4b9\", service_name=\"checkout\"}", stream.Labels.ToString());
        Assert.Null(stream.LabelsError);
        var entry = Assert.Single(stream.Entries.ToArray());
        Assert.Equal((long)Time, entry.TimestampNanos);
        Assert.Equal("payment failed for order 42", Encoding.UTF8.GetString(entry.Line.Span));
        Assert.Equal(FullMetadata, entry.StructuredMetadata.ToArray().Select(p => (p.Name, p.Value)));
    }

    [Fact]
    public void StringBody_IsASliceOfTheMessage_NotACopy()
    {
        byte[] message = Full().ToByteArray();
        var entry = OtlpProtobufDecoder.Decode(message, Clock).Streams[0].Entries.Span[0];
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(entry.Line, out ArraySegment<byte> segment));
        Assert.Same(message, segment.Array);
    }

    [Fact]
    public void MissingServiceName_IsUnknownService_OrDiscoveredFromAContainerLabel()
    {
        var none = Decode(WithBodies([Attr("k8s.namespace.name", "shop")], new AnyValue { StringValue = "x" }));
        Assert.Equal("{k8s_namespace_name=\"shop\", service_name=\"unknown_service\"}", none.Streams[0].Labels.ToString());

        var discovered = Decode(WithBodies([Attr("k8s.container.name", "api"), Attr("service.name", "")], new AnyValue { StringValue = "x" }));
        Assert.Equal("{k8s_container_name=\"api\", service_name=\"api\"}", discovered.Streams[0].Labels.ToString());
    }

    [Fact]
    public void ResourcesWithTheSameLabels_ShareAStream_OthersGetTheirOwn()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(WithBodies([Attr("service.name", "a")], new AnyValue { StringValue = "1" }).ResourceLogs[0]);
        request.ResourceLogs.Add(WithBodies([Attr("service.name", "b")], new AnyValue { StringValue = "2" }).ResourceLogs[0]);
        request.ResourceLogs.Add(WithBodies([Attr("service.name", "a"), Attr("host.name", "h")], new AnyValue { StringValue = "3" }).ResourceLogs[0]);

        var push = Decode(request);

        Assert.Equal(2, push.Streams.Count);
        Assert.Equal(3, push.EntryCount);
        Assert.Equal(["1", "3"], push.Streams[0].Entries.ToArray().Select(e => Encoding.UTF8.GetString(e.Line.Span)));
        Assert.Equal("host_name", push.Streams[0].Entries.Span[1].StructuredMetadata.Span[0].Name);
    }

    [Fact]
    public void Timestamp_FallsBackToObserved_ThenToNow_AndObservedIsMetadataOnlyWithBoth()
    {
        var request = WithBodies([Attr("service.name", "t")], new AnyValue { StringValue = "a" }, new AnyValue { StringValue = "b" });
        var records = request.ResourceLogs[0].ScopeLogs[0].LogRecords;
        records[0].TimeUnixNano = 0;
        records[0].ObservedTimeUnixNano = Observed;
        records[1].TimeUnixNano = 0;

        var entries = Decode(request).Streams[0].Entries.ToArray();

        Assert.Equal((long)Observed, entries[0].TimestampNanos);
        Assert.True(entries[0].StructuredMetadata.IsEmpty);
        Assert.Equal((Clock.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100, entries[1].TimestampNanos);
    }

    [Fact]
    public void NonStringBodies_AreRenderedAsLokiRendersThem()
    {
        var request = WithBodies(
            [Attr("service.name", "b")],
            new AnyValue { IntValue = -42 },
            new AnyValue { DoubleValue = 1.5 },
            new AnyValue { DoubleValue = 1e21 },
            new AnyValue { DoubleValue = 1e-7 },
            new AnyValue { DoubleValue = 123456789.0 },
            new AnyValue { BoolValue = true },
            new AnyValue { BytesValue = ByteString.CopyFromUtf8("hi") },
            Map(Attr("b", "x<y"), Attr("a", new AnyValue { IntValue = 1 }), Attr("c", Array(new AnyValue { BoolValue = false }, new AnyValue()))),
            Array(new AnyValue { StringValue = "one" }, new AnyValue { DoubleValue = 2.5 }),
            new AnyValue());

        var lines = Decode(request).Streams[0].Entries.ToArray().Select(e => Encoding.UTF8.GetString(e.Line.Span));

        Assert.Equal(
            ["-42", "1.5", "1e+21", "1e-7", "123456789", "true", "aGk=", "{\"a\":1,\"b\":\"x\\u003cy\",\"c\":[false,null]}", "[\"one\",2.5]", ""],
            lines);
    }

    [Fact]
    public void AllZeroIds_AreOmitted_AndIdsOfTheWrongLengthAreA400()
    {
        var request = WithBodies([Attr("service.name", "i")], new AnyValue { StringValue = "x" });
        var record = request.ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        record.TraceId = ByteString.CopyFrom(new byte[16]);
        Assert.True(Decode(request).Streams[0].Entries.Span[0].StructuredMetadata.IsEmpty);

        record.TraceId = ByteString.CopyFrom(new byte[15]);
        var e = Assert.Throws<PushRequestException>(() => Decode(request));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("trace_id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedValues_AreA400_NotAStackOverflow()
    {
        var value = new AnyValue { StringValue = "leaf" };
        for (int i = 0; i < 200; i++)
        {
            value = Array(value);
        }

        var request = WithBodies([Attr("service.name", "d")], value);
        Assert.Equal(400, Assert.Throws<PushRequestException>(() => Decode(request)).StatusCode);
    }

    [Fact]
    public void WrongWireType_ForAKnownField_IsA400WithTheFieldName()
    {
        // ExportLogsServiceRequest.resource_logs (field 1) sent as a varint.
        var e = Assert.Throws<PushRequestException>(() => OtlpProtobufDecoder.Decode(new byte[] { 0x08, 0x01 }, Clock));
        Assert.Equal("proto: wrong wireType = 0 for field ResourceLogs", e.Message);
    }

    [Fact]
    public void EmptyMessage_IsAnEmptyPush()
    {
        Assert.Equal(0, OtlpProtobufDecoder.Decode(System.Array.Empty<byte>(), Clock).EntryCount);
    }

    [Fact]
    public void TruncatedAtEveryLength_NeverCrashes()
    {
        byte[] message = Full().ToByteArray();
        int failures = 0;
        for (int length = 0; length < message.Length; length++)
        {
            try
            {
                OtlpProtobufDecoder.Decode(message.AsMemory(0, length), Clock);
            }
            catch (PushRequestException)
            {
                failures++;
            }
        }

        Assert.True(failures > message.Length / 2, $"{failures} of {message.Length} truncations failed");
    }

    [Fact]
    public void RandomlyCorruptedMessages_DecodeOrFailWithA400()
    {
        byte[] original = Full().ToByteArray();
        var random = new Random(7);
        for (int i = 0; i < 3000; i++)
        {
            byte[] corrupt = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
            {
                corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            }

            try
            {
                OtlpProtobufDecoder.Decode(corrupt, Clock);
            }
            catch (PushRequestException e)
            {
                Assert.Equal(400, e.StatusCode);
            }
        }

        var bytes = new byte[512];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            try
            {
                OtlpProtobufDecoder.Decode(bytes.AsMemory(0, random.Next(bytes.Length)), Clock);
            }
            catch (PushRequestException e)
            {
                Assert.Equal(400, e.StatusCode);
            }
        }
    }

    [Fact]
    public void LabelNames_AreNormalizedLikePrometheus()
    {
        Assert.Equal("service_name", OtlpLabelNames.Normalize("service.name"));
        Assert.Equal("key_0abc", OtlpLabelNames.Normalize("0abc"));
        Assert.Equal("key_foo", OtlpLabelNames.Normalize("_foo"));
        Assert.Equal("__foo", OtlpLabelNames.Normalize("__foo"));
        Assert.Equal("a_b_c", OtlpLabelNames.Normalize("a-b/c"));
        Assert.Equal("__x", OtlpLabelNames.Normalize("é-x"));
        Assert.Equal("emoji__", OtlpLabelNames.Normalize("emoji-😀"));
    }
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
