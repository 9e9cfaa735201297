using System.Net;
using System.Net.Sockets;
using System.Text;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// Malformed Loki pushes over real HTTP: a body that cannot be decoded is a clear 400 (413 when too large) and stores
/// nothing; a body that decodes keeps every valid entry, as Loki's distributor does, and the refused ones are listed in
/// the 400. The server keeps serving after each.
/// </summary>
public sealed class LokiPushMalformedTests
{
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public async Task UndecodableBodies_AreClear400sOr413_StoreNothing_AndTheServerGoesOn()
    {
        await using var server = await RunningServer.StartAsync(yaml: "distributor:\n  max_recv_msg_size: 1MB\n");
        var valid = ProtoBytes.LokiStream("{app=\"undecodable\"}", Now, "must not be stored");
        var json = Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{\"app\":\"undecodable\"}},\"values\":[[\"{Now}\",\"must not be stored\"]]}}]}}");
        (string Name, byte[] Body, string? Type, string? Encoding, HttpStatusCode Status, string Message)[] cases =
        [
            ("not snappy", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], Protobuf, null, HttpStatusCode.BadRequest, "snappy: corrupt input"),
            ("snappy cut short", Cut(ProtoBytes.Snappy(valid), 4), Protobuf, null, HttpStatusCode.BadRequest, "snappy: corrupt input"),
            ("garbage protobuf", ProtoBytes.Snappy([0xFF, 0xFF, 0xFF, 0xFF]), Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("wrong wire type", ProtoBytes.Snappy(ProtoBytes.VarintField(1, 1)), Protobuf, null, HttpStatusCode.BadRequest, "proto: wrong wireType = 0 for field Streams"),
            ("length beyond the end", ProtoBytes.Snappy([.. ProtoBytes.Varint(10), .. ProtoBytes.Varint(100), .. "abc"u8]), Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("protobuf cut short", ProtoBytes.Snappy(Cut(valid, 3)), Protobuf, null, HttpStatusCode.BadRequest, "unexpected EOF"),
            ("text/plain is read as protobuf", "hello"u8.ToArray(), "text/plain", null, HttpStatusCode.BadRequest, "snappy: corrupt input"),
            ("JSON cut short", Cut(json, 5), Json, null, HttpStatusCode.BadRequest, "invalid JSON"),
            ("bad gzip", BadGzip, Json, "gzip", HttpStatusCode.BadRequest, "gzip: "),
            ("gzip cut short", Cut(Gzip(json), 6), Json, "gzip", HttpStatusCode.BadRequest, "gzip: unexpected EOF"),
            ("gzip cut inside the data", Gzip(json)[..20], Json, "gzip", HttpStatusCode.BadRequest, "gzip: unexpected EOF"),
            ("garbage after gzip", [.. Gzip(json), .. "xyz"u8], Json, "gzip", HttpStatusCode.BadRequest, "gzip: unexpected EOF"),
            ("zlib cut short", Cut(Zlib(json), 3), Json, "deflate", HttpStatusCode.BadRequest, "zlib: unexpected EOF"),
            ("gzip bomb", GzipBomb(2 * 1024 * 1024), Json, "gzip", HttpStatusCode.RequestEntityTooLarge, "received message larger than max"),
            ("snappy declaring a huge size", [.. ProtoBytes.Varint(1u << 30), 0x00], Protobuf, null, HttpStatusCode.RequestEntityTooLarge, "received message larger than max"),
            ("unknown encoding", json, Json, "br", HttpStatusCode.BadRequest, "Content-Encoding \"br\" not supported"),
        ];

        foreach (var c in cases)
        {
            var (status, body, _) = await PostAsync(server, "/loki/api/v1/push", c.Body, c.Type, c.Encoding);
            Assert.True(status == c.Status && body.Contains(c.Message, StringComparison.Ordinal), $"{c.Name}: {status} {body}");
            await AssertStillServingAsync(server);
        }

        Assert.Empty(await LinesAsync(server, "{app=\"undecodable\"}"));
        var (ok, _, _) = await PostAsync(server, "/loki/api/v1/push", ProtoBytes.Snappy(valid), Protobuf);
        Assert.Equal(HttpStatusCode.NoContent, ok);
        Assert.Equal(["must not be stored"], await LinesAsync(server, "{app=\"undecodable\"}"));
    }

    [Fact]
    public async Task ProtobufBatch_InvalidStreamsAndEntriesAreRefused_TheValidOnesAreKept_InvalidUtf8LinesGetReplacementCharacters()
    {
        await using var server = await RunningServer.StartAsync();
        var now = Now;
        byte[] body =
        [
            .. ProtoBytes.LokiStream("{app=\"pb\"}", now, "first"),
            .. ProtoBytes.LokiStream("{app=pb", now, "labels do not parse"),
            .. ProtoBytes.LokiStream([.. "{app=\"pb"u8, 0xFF, .. "\"}"u8], now, [.. "labels are not UTF-8"u8]),
            .. ProtoBytes.LokiStream("{app=\"pb\"}", now + 1, new string('x', 300 * 1024), "second"),
            .. ProtoBytes.LokiStream("{app=\"pb\"}"u8.ToArray(), now + 3, [.. "bad "u8, 0xFF, 0xFE, .. " bytes"u8]),
        ];

        var (status, text, _) = await PostAsync(server, "/loki/api/v1/push", ProtoBytes.Snappy(body), Protobuf);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Error parsing labels '{app=pb'", text, StringComparison.Ordinal);
        Assert.Contains("parse error: invalid UTF-8 rune", text, StringComparison.Ordinal);
        Assert.Contains("Max entry size '262144' bytes exceeded for stream '{app=\"pb\"}'", text, StringComparison.Ordinal);
        Assert.Equal(["first", "second", "bad \uFFFD\uFFFD bytes"], await LinesAsync(server, "{app=\"pb\"}"));
        Assert.Equal(["app"], (await server.GetJsonAsync("/loki/api/v1/labels")).GetProperty("data").EnumerateArray().Select(n => n.GetString()));
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("loggia_discarded_samples_total{reason=\"invalid_labels\",tenant=\"fake\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("loggia_discarded_samples_total{reason=\"line_too_long\",tenant=\"fake\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonBatch_InvalidUtf8LabelRefusesOnlyItsStream_InvalidUtf8LineIsKeptWithReplacementCharacters()
    {
        await using var server = await RunningServer.StartAsync();
        var now = Now;
        byte[] body =
        [
            .. Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{\"app\":\"js"), 0xFF, .. Encoding.UTF8.GetBytes($"\"}},\"values\":[[\"{now}\",\"label is not UTF-8\"]]}},"),
            .. Encoding.UTF8.GetBytes($"{{\"stream\":{{\"app\":\"js\"}},\"values\":[[\"{now}\",\"kept\"],[\"{now + 1}\",\"{new string('y', 300 * 1024)}\"],[\"{now + 2}\",\"line "), 0xC3, .. Encoding.UTF8.GetBytes("\"]]}]}"),
        ];

        var (status, text, _) = await PostAsync(server, "/loki/api/v1/push", body, Json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Error parsing labels '{app=\"js\uFFFD\"}' with error: parse error: invalid UTF-8 rune", text, StringComparison.Ordinal);
        Assert.Contains("Max entry size '262144' bytes exceeded", text, StringComparison.Ordinal);
        Assert.Equal(["kept", "line \uFFFD"], await LinesAsync(server, "{app=~\"js.*\"}"));

        // The native endpoint reads labels the same way.
        byte[] native = [.. "[{\"message\":\"native kept\",\"labels\":{\"app\":\"native\"}},{\"message\":\"refused\",\"labels\":{\"app\":\"native"u8, 0xFF, .. "\"}}]"u8];
        (status, text, _) = await PostAsync(server, "/api/v1/logs", native, Json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid UTF-8 rune", text, StringComparison.Ordinal);
        Assert.Equal(["native kept"], await LinesAsync(server, "{app=~\"native.*\"}"));
    }

    [Fact]
    public async Task BodyOverKestrelsDefaultLimit_ButWithinTheConfiguredOne_IsAccepted()
    {
        // Kestrel refuses bodies over 30 MB by default; Loki's limit (distributor.max_recv_msg_size) is 100 MiB.
        await using var server = await RunningServer.StartAsync();
        var now = Now;
        var line = new string('z', 250 * 1024);
        var values = string.Join(',', Enumerable.Range(0, 124).Select(i => $"[\"{now + i}\",\"{line}\"]"));
        var body = Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{\"app\":\"large\"}},\"values\":[{values}]}}]}}");
        Assert.True(body.Length > 31_000_000);

        var (status, text, _) = await PostAsync(server, "/loki/api/v1/push", body, Json);

        Assert.True(status == HttpStatusCode.NoContent, $"{status}: {text}");
        var count = await server.GetJsonAsync($"/loki/api/v1/query?query={RunningServer.Escape("sum(count_over_time({app=\"large\"}[1h]))")}&time={now + 1_000_000_000}");
        Assert.Equal("124", count.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
    }

    [Fact]
    public async Task ClientGoneMidBody_TheServerGoesOn()
    {
        await using var server = await RunningServer.StartAsync();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("POST /loki/api/v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"streams\":[{\"stream\""u8.ToArray());
            await stream.FlushAsync();
        }

        await AssertStillServingAsync(server);
        await server.PushLinesAsync(null, ("{\"app\":\"after\"}", 0, "still ingesting"));
        Assert.Equal(["still ingesting"], await LinesAsync(server, "{app=\"after\"}"));
    }
}
