using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// Malformed OTLP exports over real sockets: OTLP/HTTP answers 400 (a <c>google.rpc.Status</c>), 413 or 415 as the
/// specification says and stores nothing of an undecodable body; refused records of a decodable one are reported in
/// <c>partial_success</c> and the others kept. OTLP/gRPC answers bad frames with <c>grpc-status</c> codes.
/// </summary>
public sealed class OtlpMalformedTests
{
    private const string Protobuf = "application/x-protobuf";
    private const string ExportPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public async Task HttpUndecodableBodies_Get400Or413Or415_StoreNothing_AndTheServerGoesOn()
    {
        await using var server = await RunningServer.StartAsync(yaml: "distributor:\n  max_recv_msg_size: 1MB\n");
        var valid = ProtoBytes.OtlpExport("otlp-undecodable", Now, "must not be stored");
        var json = Encoding.UTF8.GetBytes($$$"""{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"otlp-undecodable"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"{{{Now}}}","body":{"stringValue":"must not be stored"}}]}]}]}""");
        (string Name, byte[] Body, string? Type, string? Encoding, HttpStatusCode Status, string Message)[] cases =
        [
            ("garbage", [0xFF, 0xFF, 0xFF, 0xFF], Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("wrong wire type", ProtoBytes.VarintField(1, 1), Protobuf, null, HttpStatusCode.BadRequest, "proto: wrong wireType = 0 for field ResourceLogs"),
            ("length beyond the end", [.. ProtoBytes.Varint(10), .. ProtoBytes.Varint(100), .. "ab"u8], Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("protobuf cut short", Cut(valid, 3), Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("JSON cut short", Cut(json, 4), "application/json", null, HttpStatusCode.BadRequest, "invalid JSON"),
            ("bad gzip", BadGzip, Protobuf, "gzip", HttpStatusCode.BadRequest, "gzip: "),
            ("gzip cut short", Cut(Gzip(valid), 5), Protobuf, "gzip", HttpStatusCode.BadRequest, "gzip: unexpected EOF"),
            ("gzip bomb", GzipBomb(2 * 1024 * 1024), Protobuf, "gzip", HttpStatusCode.RequestEntityTooLarge, "received message larger than max"),
            ("text/plain", valid, "text/plain", null, HttpStatusCode.UnsupportedMediaType, "unsupported Content-Type"),
            ("no Content-Type", valid, null, null, HttpStatusCode.UnsupportedMediaType, "unsupported Content-Type"),
            ("zstd", valid, Protobuf, "zstd", HttpStatusCode.UnsupportedMediaType, "Content-Encoding \"zstd\" not supported"),
        ];

        foreach (var c in cases)
        {
            var (status, body, type) = await PostAsync(server, "/v1/logs", c.Body, c.Type, c.Encoding);
            Assert.True(status == c.Status && body.Contains(c.Message, StringComparison.Ordinal), $"{c.Name}: {status} {body}");
            Assert.True(type is Protobuf or "application/json", $"{c.Name}: {type}");
            await AssertStillServingAsync(server);
        }

        Assert.Empty(await LinesAsync(server, "{service_name=\"otlp-undecodable\"}"));
    }

    [Fact]
    public async Task HttpBatch_TooLongRecordIsReportedInPartialSuccess_InvalidUtf8IsReplaced_TheOthersAreKept()
    {
        await using var server = await RunningServer.StartAsync();
        var export = ProtoBytes.OtlpExport("otlp-partial"u8.ToArray(), Now,
            [.. "before"u8], Encoding.UTF8.GetBytes(new string('x', 300 * 1024)), [.. "bad "u8, 0xFF, .. " utf8"u8], [.. "after"u8]);

        var (status, body, _) = await PostAsync(server, "/otlp/v1/logs", export, Protobuf);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Max entry size '262144' bytes exceeded", body, StringComparison.Ordinal); // partial_success.error_message
        Assert.Equal(["before", "bad \uFFFD utf8", "after"], await LinesAsync(server, "{service_name=\"otlp-partial\"}"));
    }

    [Fact]
    public async Task GrpcBadFrames_GetGrpcStatusCodes_AndTheServerGoesOn()
    {
        var grpcPort = FreePort();
        await using var server = await RunningServer.StartAsync(otlpGrpcPort: grpcPort);
        using var grpc = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{grpcPort}") };
        var message = ProtoBytes.OtlpExport("grpc-malformed", Now, "kept");
        (string Name, byte[] Body, string? Encoding, string Status, string Message)[] cases =
        [
            ("empty body", [], null, "13", "no request message"),
            ("prefix cut short", [0, 0, 0], null, "13", "truncated message prefix"),
            ("compressed flag without grpc-encoding", ProtoBytes.GrpcFrame(message, compressedFlag: 1), null, "13", "compressed message without grpc-encoding"),
            ("invalid compressed flag", ProtoBytes.GrpcFrame(message, compressedFlag: 7), null, "13", "invalid compressed flag 7"),
            ("length beyond the body", ProtoBytes.GrpcFrame(message, declaredLength: (uint)message.Length + 10), null, "13", "truncated message"),
            ("length short of the body", ProtoBytes.GrpcFrame(message, declaredLength: (uint)message.Length - 3), null, "13", "more than one request message"),
            ("length over the limit", ProtoBytes.GrpcFrame([], declaredLength: 1u << 31), null, "8", "received message larger than max"),
            ("invalid protobuf", ProtoBytes.GrpcFrame([0xFF, 0xFF, 0xFF]), null, "3", "unexpected EOF"),
            ("bad gzip", ProtoBytes.GrpcFrame(BadGzip, compressedFlag: 1), "gzip", "3", "gzip: "),
            ("gzip cut short", ProtoBytes.GrpcFrame(Cut(Gzip(message), 5), compressedFlag: 1), "gzip", "3", "gzip: unexpected EOF"),
            ("unknown compression", ProtoBytes.GrpcFrame(message, compressedFlag: 1), "snappy", "12", "compression \"snappy\" is not supported"),
        ];

        foreach (var c in cases)
        {
            var (http, status, text) = await CallAsync(grpc, c.Body, "application/grpc", c.Encoding);
            Assert.True(http == HttpStatusCode.OK && status == c.Status && (text ?? "").Contains(c.Message, StringComparison.Ordinal), $"{c.Name}: {http} {status} {text}");
            await AssertStillServingAsync(server);
        }

        var (notGrpc, _, _) = await CallAsync(grpc, ProtoBytes.GrpcFrame(message), "application/json", null);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notGrpc);
        Assert.Empty(await LinesAsync(server, "{service_name=\"grpc-malformed\"}"));

        var (_, ok, _) = await CallAsync(grpc, ProtoBytes.GrpcFrame(message), "application/grpc", null);
        Assert.Equal("0", ok);
        Assert.Equal(["kept"], await LinesAsync(server, "{service_name=\"grpc-malformed\"}"));
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<(HttpStatusCode Http, string? Status, string? Message)> CallAsync(HttpClient grpc, byte[] framed, string contentType, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ExportPath)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(framed),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        using var response = await grpc.SendAsync(request);
        _ = await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) => response.TrailingHeaders.TryGetValues(name, out var values) ? values.Single()
            : response.Headers.TryGetValues(name, out var inHeaders) ? inHeaders.Single() : null;
        var message = Header("grpc-message");
        return (response.StatusCode, Header("grpc-status"), message is null ? null : Uri.UnescapeDataString(message));
    }
}
