using System.Net;
using System.Text;
using System.Text.Json;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// Malformed Elasticsearch bulk bodies: a bad document is a per-item 400 (<c>errors: true</c>) and the good items are
/// kept; invalid UTF-8 is read as U+FFFD instead of failing; a malformed action line or an undecodable body fails the
/// whole request with 400, as Elasticsearch does.
/// </summary>
public sealed class ElasticsearchMalformedTests
{
    private const string Ndjson = "application/x-ndjson";
    private static readonly byte[] Action = "{\"index\":{\"_index\":\"es-malformed\"}}\n"u8.ToArray();

    private static byte[] Document(string message) => Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{DateTimeOffset.UtcNow:O}\",\"message\":\"{message}\"}}\n");

    [Fact]
    public async Task BadDocumentsArePerItem400s_InvalidUtf8IsReplaced_TheGoodItemsAreKept()
    {
        await using var server = await RunningServer.StartAsync();
        byte[] body =
        [
            .. Action, .. Document("first"),
            .. Action, .. "{\"message\": truncated\n"u8,
            .. Action, .. Encoding.UTF8.GetBytes($"{{\"@timestamp\":\"{DateTimeOffset.UtcNow:O}\",\"message\":\"bad "), 0xFF, .. "\",\"fi"u8, 0xFE, .. "ld\":\"v\"}\n"u8,
            .. Action, .. Document(new string('x', 300 * 1024)),
            .. Action, .. Document("last"),
        ];

        var (status, text, _) = await PostAsync(server, "/_bulk", body, Ndjson);

        Assert.Equal(HttpStatusCode.OK, status);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.True(json.GetProperty("errors").GetBoolean());
        Assert.Equal([201, 400, 201, 400, 201], json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("index").GetProperty("status").GetInt32()));
        await AssertStillServingAsync(server);
        Assert.Equal(["first", "bad \uFFFD", "last"], await LinesAsync(server, "{index=\"es-malformed\"}"));
    }

    [Fact]
    public async Task MalformedActionLinesAndUndecodableBodies_Fail400AsAWhole_AndStoreNothing()
    {
        await using var server = await RunningServer.StartAsync();
        (string Name, byte[] Body, string? Encoding, string Type)[] cases =
        [
            ("unknown action", [.. Action, .. Document("x"), .. "{\"indx\":{}}\n"u8, .. Document("y")], null, "illegal_argument_exception"),
            ("garbage action", [.. Action, .. Document("x"), .. "garbage\n"u8, .. Document("y")], null, "illegal_argument_exception"),
            ("bad gzip", BadGzip, "gzip", "parse_exception"),
            ("gzip cut short", Cut(Gzip([.. Action, .. Document("x")]), 5), "gzip", "parse_exception"),
        ];

        foreach (var c in cases)
        {
            var (status, text, _) = await PostAsync(server, "/_bulk", c.Body, Ndjson, c.Encoding);
            Assert.True(status == HttpStatusCode.BadRequest, $"{c.Name}: {status} {text}");
            Assert.Equal(c.Type, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString());
            await AssertStillServingAsync(server);
        }

        Assert.Empty(await LinesAsync(server, "{index=\"es-malformed\"}"));
    }
}
