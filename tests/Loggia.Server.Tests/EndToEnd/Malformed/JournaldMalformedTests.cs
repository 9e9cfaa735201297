using System.Net;
using System.Text;
using static Loggia.Server.Tests.EndToEnd.Malformed.MalformedInput;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>
/// journald uploads (<c>POST /upload</c>) over the entry-size limit: 413 naming the entry, the entries before it kept,
/// and bad UTF-8 in field values read as U+FFFD.
/// </summary>
public sealed class JournaldMalformedTests
{
    private const string Journal = "application/vnd.fdo.journal";

    [Fact]
    public async Task EntryOverTheMessageSizeLimit_Is413_AndTheEntriesBeforeItAreKept()
    {
        // The entry limit is distributor.max_recv_msg_size (at least 64 KiB for uploads); each field stays under max_line_size.
        await using var server = await RunningServer.StartAsync(yaml: "distributor:\n  max_recv_msg_size: 64KB\n");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var head = $"__REALTIME_TIMESTAMP={now}\nSYSLOG_IDENTIFIER=journal-limit\nMESSAGE=kept\n\n";
        var fields = string.Concat(Enumerable.Range(0, 8).Select(i => $"FIELD_{i}={new string('f', 10 * 1024)}\n"));
        var large = $"__REALTIME_TIMESTAMP={now + 1}\nSYSLOG_IDENTIFIER=journal-limit\n{fields}MESSAGE=too large\n\n";
        byte[] invalidUtf8 = [.. Encoding.UTF8.GetBytes($"__REALTIME_TIMESTAMP={now + 2}\nSYSLOG_IDENTIFIER=journal-limit\nMESSAGE=bad "), 0xFF, .. "\n\n"u8];

        var (status, body, type) = await PostAsync(server, "/upload", [.. invalidUtf8, .. Encoding.UTF8.GetBytes(head + large + head)], Journal);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "text/plain"), (status, type));
        Assert.Contains("entry 3 (byte ", body, StringComparison.Ordinal);
        Assert.Contains("is larger than the limit of 65536 bytes; the 2 entries before it were ingested", body, StringComparison.Ordinal);
        await AssertStillServingAsync(server);
        Assert.Equal(["bad \uFFFD", "kept"], (await LinesAsync(server, "{service_name=\"journal-limit\"}")).Order(StringComparer.Ordinal));
    }
}
