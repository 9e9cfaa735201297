using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Ingest.Tests.Otlp.Proto.Collector;
using Loggia.Ingest.Tests.Otlp.Proto.Rpc;

namespace Loggia.Ingest.Tests.Otlp;

/// <summary>Framing, content types and encodings, and the answers, read back with Google.Protobuf.</summary>
public sealed class OtlpWireTests
{
    private static readonly FixedTime Clock = new(DateTimeOffset.UnixEpoch.AddYears(50));

    [Theory]
    [InlineData("application/x-protobuf", true, OtlpPayloadFormat.Protobuf)]
    [InlineData("Application/JSON; charset=utf-8", true, OtlpPayloadFormat.Json)]
    [InlineData("text/plain", false, OtlpPayloadFormat.Protobuf)]
    [InlineData(null, false, OtlpPayloadFormat.Protobuf)]
    public void ContentTypes_AreProtobufOrJsonOnly(string? contentType, bool known, OtlpPayloadFormat expected)
    {
        Assert.Equal(known, OtlpRequestParser.TryGetFormat(contentType, out var format));
        Assert.Equal(expected, format);
    }

    [Fact]
    public void GzipBodies_AreDecoded_AndUnknownEncodingsAre415()
    {
        byte[] message = OtlpTestData.Full().ToByteArray();
        byte[] compressed = Gzip(message);

        var push = OtlpRequestParser.Parse(compressed, OtlpPayloadFormat.Protobuf, "gzip", 1 << 20, Clock);
        Assert.Equal(1, push.EntryCount);
        Assert.Equal(415, Assert.Throws<PushRequestException>(() => OtlpRequestParser.Parse(message, OtlpPayloadFormat.Protobuf, "br", 1 << 20, Clock)).StatusCode);
        Assert.Equal(413, Assert.Throws<PushRequestException>(() => OtlpRequestParser.Parse(compressed, OtlpPayloadFormat.Protobuf, "gzip", 64, Clock)).StatusCode);
    }

    [Fact]
    public void AnInflatedBody_IsAPooledBufferTheRequestOwnsUntilDisposed()
    {
        // The lines point into the inflated buffer: the pool must not hand it out again before the request is disposed
        // (on one thread, the shared pool gives back the array returned last), and disposing gives it back.
        byte[] message = OtlpTestData.Full().ToByteArray();
        byte[] compressed = Gzip(message);

        var push = OtlpRequestParser.Parse(compressed, OtlpPayloadFormat.Protobuf, "gzip", 1 << 20, Clock);
        var line = push.Streams[0].Entries.Span[0].Line;
        var expected = line.ToArray();
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(line, out var segment));
        var pooled = segment.Array!;
        var other = System.Buffers.ArrayPool<byte>.Shared.Rent(pooled.Length);
        Assert.NotSame(pooled, other);
        other.AsSpan().Fill(0xEE);
        Assert.Equal(expected, line.ToArray());
        System.Buffers.ArrayPool<byte>.Shared.Return(other);

        push.Dispose();
        push.Dispose(); // twice is harmless
        var again = System.Buffers.ArrayPool<byte>.Shared.Rent(pooled.Length);
        Assert.Same(pooled, again);
        System.Buffers.ArrayPool<byte>.Shared.Return(again);
    }

    [Fact]
    public void GrpcFraming_ReadsExactlyOneMessage()
    {
        byte[] framed = GrpcFraming.Frame("abc"u8);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 3, (byte)'a', (byte)'b', (byte)'c' }, framed);
        Assert.True(GrpcFraming.TryReadUnary(framed, out bool compressed, out int start, out int length, out _));
        Assert.Equal((false, 5, 3), (compressed, start, length));

        Assert.False(GrpcFraming.TryReadUnary(framed.AsSpan(0, 6), out _, out _, out _, out string? truncated));
        Assert.Equal("truncated message", truncated);
        Assert.False(GrpcFraming.TryReadUnary([.. framed, .. framed], out _, out _, out _, out string? twice));
        Assert.Contains("more than one", twice, StringComparison.Ordinal);
        Assert.False(GrpcFraming.TryReadUnary([7, 0, 0, 0, 0], out _, out _, out _, out _));
        Assert.Equal("caf%C3%A9 100%25", GrpcFraming.EncodeMessage("café 100%"));
    }

    [Fact]
    public void ExportResponse_IsEmptyOnSuccess_AndCarriesPartialSuccess()
    {
        Assert.Empty(OtlpResponses.ExportResponse(OtlpPayloadFormat.Protobuf, 0, null));
        Assert.Equal("{}", Encoding.UTF8.GetString(OtlpResponses.ExportResponse(OtlpPayloadFormat.Json, 0, null)));

        var partial = ExportLogsServiceResponse.Parser.ParseFrom(OtlpResponses.ExportResponse(OtlpPayloadFormat.Protobuf, 3, "too old"));
        Assert.Equal(3, partial.PartialSuccess.RejectedLogRecords);
        Assert.Equal("too old", partial.PartialSuccess.ErrorMessage);
        var json = JsonDocument.Parse(OtlpResponses.ExportResponse(OtlpPayloadFormat.Json, 3, "too old")).RootElement.GetProperty("partialSuccess");
        Assert.Equal("3", json.GetProperty("rejectedLogRecords").GetString());
        Assert.Equal("too old", json.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public void Status_IsAGoogleRpcStatus_WithRetryInfoWhenRetryable()
    {
        var status = Status.Parser.ParseFrom(OtlpResponses.Status(OtlpPayloadFormat.Protobuf, GrpcStatusCode.Unavailable, "busy", 2));
        Assert.Equal(14, status.Code);
        Assert.Equal("busy", status.Message);
        var retry = Assert.Single(status.Details).Unpack<RetryInfo>();
        Assert.Equal(2, retry.RetryDelay.Seconds);

        var json = JsonDocument.Parse(OtlpResponses.Status(OtlpPayloadFormat.Json, GrpcStatusCode.InvalidArgument, "bad")).RootElement;
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        Assert.Equal("bad", json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(100.0, "100")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(-2.5e-10, "-2.5e-10")]
    [InlineData(double.NaN, "json: unsupported value: NaN")]
    public void Doubles_PrintLikeGo(double value, string expected)
    {
        Assert.Equal(expected, OtlpValueFormat.Double(value));
    }

    private static byte[] Gzip(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return compressed.ToArray();
    }
}
