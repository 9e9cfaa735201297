using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd.Malformed;

/// <summary>What the malformed-input tests share: raw posts, the server-still-serving check, and reading lines back.</summary>
internal static class MalformedInput
{
    private const long Hour = 3_600_000_000_000;

    /// <summary>Posts raw bytes with the given Content-Type (none when null) and Content-Encoding.</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? ContentType)> PostAsync(
        RunningServer server, string path, byte[] body, string? contentType, string? contentEncoding = null)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var response = await server.Client.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The server answers <c>/ready</c> after a malformed request: it did not crash or wedge.</summary>
    public static async Task AssertStillServingAsync(RunningServer server)
    {
        var (status, body) = await server.GetAsync("/ready");
        Assert.Equal((HttpStatusCode.OK, "ready\n"), (status, body));
    }

    /// <summary>The lines of <paramref name="query"/> in the last hour (and a minute ahead), oldest first.</summary>
    public static async Task<string[]> LinesAsync(RunningServer server, string query)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start={now - Hour}&end={now + (Hour / 60)}&limit=1000&direction=forward");
        return [.. json.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Ts: long.Parse(v[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture), Line: v[1].GetString()!)))
            .OrderBy(e => e.Ts).ThenBy(e => e.Line, StringComparer.Ordinal).Select(e => e.Line)];
    }

    /// <summary>Polls <paramref name="query"/> until it has <paramref name="expected"/> lines (for receivers that ingest asynchronously) or 10 s passed.</summary>
    public static async Task<string[]> WaitForLinesAsync(RunningServer server, string query, int expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = await LinesAsync(server, query);
            if (lines.Length >= expected || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The stream label sets of <paramref name="query"/> in the last hour.</summary>
    public static async Task<JsonElement[]> StreamsAsync(RunningServer server, string query)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start={now - Hour}&end={now + (Hour / 60)}&limit=1000");
        return [.. json.GetProperty("data").GetProperty("result").EnumerateArray().Select(s => s.GetProperty("stream"))];
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>A gzip body that inflates to <paramref name="size"/> zero bytes (a compression bomb: tiny on the wire).</summary>
    public static byte[] GzipBomb(int size) => Gzip(new byte[size]);

    /// <summary>A gzip header followed by bytes that are not DEFLATE data.</summary>
    public static byte[] BadGzip => [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, .. "not deflate data"u8];

    public static byte[] Cut(byte[] data, int bytes) => data[..^bytes];
}
