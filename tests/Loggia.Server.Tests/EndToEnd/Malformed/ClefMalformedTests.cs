using System.Net;
using System.Text;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// Malformed CLEF payloads (Seq's ingestion API): invalid lines make the answer a 400 naming them while the valid events
/// of the batch are kept; invalid UTF-8 is read as U+FFFD; an undecodable body (bad or truncated gzip) is a 400 that
/// stores nothing.
/// </summary>
public sealed class ClefMalformedTests
{
    private const string Clef = "application/vnd.serilog.clef";

    private static byte[] Event(string message) => Encoding.UTF8.GetBytes($"{{\"@t\":\"{DateTimeOffset.UtcNow:O}\",\"@m\":\"{message}\",\"Case\":\"clef-malformed\"}}\n");

    [Fact]
    public async Task InvalidLinesAreNamedInA400_TheValidEventsAreKept_InvalidUtf8IsReplaced()
    {
        await using var server = await RunningServer.StartAsync();
        byte[] body =
        [
            .. Event("first"),
            .. "{not json\n"u8,
            .. Encoding.UTF8.GetBytes($"{{\"@t\":\"{DateTimeOffset.UtcNow:O}\",\"@m\":\"bad "), 0xFF, .. "\",\"Pro"u8, 0xFE, .. "p\":\"v\",\"Case\":\"clef-malformed\"}\n"u8,
            .. Event(new string('x', 300 * 1024)),
            .. "[1,2]\n"u8,
            .. Event("last")[..^1],
        ];

        var (status, text, type) = await PostAsync(server, "/api/events/raw?clef", body, Clef);

        Assert.Equal((HttpStatusCode.BadRequest, "application/json"), (status, type));
        Assert.Contains("3 events were ingested; 2 were invalid (first: line 2: invalid JSON", text, StringComparison.Ordinal);
        Assert.Contains("1 were refused: Max entry size", text, StringComparison.Ordinal);
        await AssertStillServingAsync(server);
        Assert.Equal(["first", "bad \uFFFD", "last"], await LinesAsync(server, "{service_name=\"unknown_service\"}"));
    }

    [Fact]
    public async Task UndecodableBodies_Are400_AndStoreNothing()
    {
        await using var server = await RunningServer.StartAsync();
        var events = (byte[])[.. Event("one"), .. Event("two")];
        foreach (var (name, body) in new[] { ("bad gzip", BadGzip), ("gzip cut short", Cut(Gzip(events), 5)) })
        {
            var (status, text, _) = await PostAsync(server, "/ingest/clef", body, Clef, "gzip");
            Assert.True(status == HttpStatusCode.BadRequest && text.Contains("\"Error\":\"gzip: ", StringComparison.Ordinal), $"{name}: {status} {text}");
            await AssertStillServingAsync(server);
        }

        Assert.Empty(await LinesAsync(server, "{service_name=\"unknown_service\"}"));
    }
}
