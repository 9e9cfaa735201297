using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// <c>POST /upload</c> fed by the real <c>systemd-journal-upload</c> (Debian systemd-journal-remote; .ci/run installs
/// it) from a real journal file, and by hand-made bodies for the error cases, read back over the Loki API.
/// </summary>
public sealed class JournaldEndToEndTests
{
    // The sample journal holds entries from 2012–2023: accept old samples and query the whole range at once.
    private const string OldDataConfig = "limits_config:\n  reject_old_samples: false\n  max_query_length: 0\n";

    private sealed record Entry(Dictionary<string, string> Labels, string Line, long Nanos);

    private static string SampleJournal(string directory)
    {
        var path = Path.Combine(directory, "sample.journal");
        using var gz = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "journald", "sample.journal.gz")), CompressionMode.Decompress);
        using var file = File.Create(path);
        gz.CopyTo(file);
        return path;
    }

    /// <summary>A journalctl JSON value as the receiver stores it: strings as they are, byte arrays decoded, multiple values joined.</summary>
    private static string ExpectedValue(JsonElement value)
    {
        string text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number) =>
                Encoding.UTF8.GetString([.. value.EnumerateArray().Select(v => v.GetByte())]),
            JsonValueKind.Array => string.Join('\n', value.EnumerateArray().Select(ExpectedValue)),
            _ => throw new InvalidOperationException($"unexpected journalctl value {value}"),
        };
        return text.Length > 4096 ? text[..4096] : text;
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} → {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static async Task<List<Entry>> QueryAllAsync(RunningServer server, string query)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var json = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape(query)}&start=0&end={end}&limit=1000&direction=forward");
        var entries = new List<Entry>();
        foreach (var stream in json.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                entries.Add(new Entry(labels, value[1].GetString()!, long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture)));
            }
        }

        return [.. entries.OrderBy(e => e.Nanos)];
    }

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType)> UploadAsync(RunningServer server, byte[] body, string contentType = "application/vnd.fdo.journal")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await server.Client.PostAsync("/upload", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SystemdJournalUpload_RealJournalFile_EntriesQueryableWithLabelsMetadataAndTimestamps()
    {
        var dir = Directory.CreateTempSubdirectory("loggia-journald-").FullName;
        try
        {
            await using var server = await RunningServer.StartAsync(yaml: OldDataConfig);
            var journal = SampleJournal(dir);
            var json = await RunAsync("journalctl", $"--file={journal}", "-o", "json", "--all");
            var expected = json.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
            Assert.Equal(4, expected.Count);

            await RunAsync("/lib/systemd/systemd-journal-upload", $"--file={journal}", "--follow=no", "-u", server.BaseAddress.ToString().TrimEnd('/'));

            var entries = await QueryAllAsync(server, "{service_name=~\".+\"}");
            Assert.Equal(expected.Count, entries.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                // Same order, same time (µs → ns), same line as journalctl reads from the file.
                var want = expected[i];
                Assert.Equal(long.Parse(want.GetProperty("__REALTIME_TIMESTAMP").GetString()!, CultureInfo.InvariantCulture) * 1000, entries[i].Nanos);
                Assert.Equal(want.GetProperty("MESSAGE").GetString(), entries[i].Line);
                Assert.Equal(want.GetProperty("SYSLOG_IDENTIFIER").GetString(), entries[i].Labels["service_name"]);
                Assert.Equal(want.GetProperty("_HOSTNAME").GetString(), entries[i].Labels["hostname"]);
                Assert.Equal(want.GetProperty("_BOOT_ID").GetString(), entries[i].Labels["_BOOT_ID"]);
                Assert.False(entries[i].Labels.ContainsKey("__CURSOR"));
            }

            var gdm = entries[0].Labels;
            Assert.Equal(("587", "warn", "4", "gdm-session-wor", "syslog"), (gdm["_PID"], gdm["detected_level"], gdm["PRIORITY"], gdm["_COMM"], gdm["_TRANSPORT"]));
            Assert.Equal("info", entries[1].Labels["detected_level"]);
            Assert.Equal("foo\nbar", entries[2].Line);

            // Every field journalctl reads from the file is structured metadata under its own name, binary values as UTF-8
            // (invalid bytes as U+FFFD), multi-valued ones joined by newlines, long ones cut to 4096 bytes.
            for (int i = 0; i < expected.Count; i++)
            {
                foreach (var field in expected[i].EnumerateObject())
                {
                    if (field.Name.StartsWith("__", StringComparison.Ordinal) || field.Name == "MESSAGE")
                    {
                        continue;
                    }

                    Assert.True(entries[i].Labels.TryGetValue(field.Name, out var value), $"entry {i} lacks {field.Name}");
                    Assert.Equal(ExpectedValue(field.Value), value);
                }
            }

            var binary = entries[3].Labels;
            Assert.Equal(("Hello World", "error"), (entries[3].Line, binary["detected_level"]));
            Assert.Equal("this is a binary value \u0007", binary["BINARY"]);
            Assert.Equal("/dev/alias1\n/dev/alias2", binary["_UDEV_DEVLINK"]);
            Assert.Equal("ch\uFFFD\uFFFDs", binary["LATIN1"]);
            Assert.Equal(new string('x', 4096), binary["LARGE"]);
            Assert.Equal("LARGE", binary["journal_truncated_fields"]);

            // Stream labels stay the low-cardinality three; everything else is structured metadata.
            var names = await server.GetJsonAsync("/loki/api/v1/labels?start=0");
            Assert.Equal(["hostname", "service_name"], names.GetProperty("data").EnumerateArray().Select(n => n.GetString()).Order());
            Assert.Single(await QueryAllAsync(server, "{service_name=\"python3\", hostname=\"bupkis\"} | CODE_FUNC=\"<module>\""));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Upload_WrongContentType_Is415AndNothingIsIngested()
    {
        await using var server = await RunningServer.StartAsync();
        var (status, body, type) = await UploadAsync(server, "MESSAGE=x\n\n"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("text/plain", type);
        Assert.Contains("application/vnd.fdo.journal", body, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], HttpStatusCode, string> MalformedTails => new()
    {
        { "missing =", "MESSAGE=ok\n\nthis line has no equals sign\n\n"u8.ToArray(), HttpStatusCode.BadRequest, "missing '='" },
        { "truncated binary", [.. "MESSAGE=ok\n\nMESSAGE\n"u8, 10, 0, 0, 0], HttpStatusCode.BadRequest, "truncated" },
        { "length beyond body", [.. "MESSAGE=ok\n\nMESSAGE\n"u8, 100, 0, 0, 0, 0, 0, 0, 0, .. "short\n"u8], HttpStatusCode.BadRequest, "declares 100 bytes but the data ends after 6" },
        { "huge field", [.. "MESSAGE=ok\n\nMESSAGE="u8, .. Encoding.ASCII.GetBytes(new string('x', 300 * 1024)), .. "\n\n"u8], HttpStatusCode.RequestEntityTooLarge, "longer than the limit of 262144 bytes" },
        { "huge binary length", [.. "MESSAGE=ok\n\nMESSAGE\n"u8, 0, 0, 0, 0, 0, 0, 0, 1, .. "x\n"u8], HttpStatusCode.RequestEntityTooLarge, "declares 72057594037927936 bytes" },
    };

    [Theory]
    [MemberData(nameof(MalformedTails))]
    public async Task Upload_Malformed_Is4xxTextAndTheEntriesBeforeAreKept(string name, byte[] tail, HttpStatusCode expected, string message)
    {
        await using var server = await RunningServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        var head = Encoding.UTF8.GetBytes($"__REALTIME_TIMESTAMP={now}\nSYSLOG_IDENTIFIER=bad-{name.Replace(' ', '-')}\nMESSAGE=kept\n\n");
        var (status, body, type) = await UploadAsync(server, [.. head, .. tail]);
        Assert.Equal(expected, status);
        Assert.Equal("text/plain", type);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.Contains("the 2 entries before it were ingested", body, StringComparison.Ordinal);

        var kept = await QueryAllAsync(server, $"{{service_name=\"bad-{name.Replace(' ', '-')}\"}}");
        Assert.Equal("kept", Assert.Single(kept).Line);
        Assert.Equal(now * 1000, kept[0].Nanos);
        Assert.Single(await QueryAllAsync(server, "{service_name=\"unknown_service\"} |= \"ok\""));
    }

    [Fact]
    public async Task Upload_NoTimestamp_UsesReceiveTime_AndBinaryMessageBecomesUtf8WithReplacement()
    {
        await using var server = await RunningServer.StartAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        byte[] body = [.. "_SYSTEMD_UNIT=nginx.service\n_COMM=nginx\n_HOSTNAME=web-1\nMESSAGE\n"u8, 6, 0, 0, 0, 0, 0, 0, 0, (byte)'a', 0xFF, (byte)'\n', (byte)'b', 0xC3, (byte)'c', .. "\n\n"u8];
        var (status, text, _) = await UploadAsync(server, body);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("OK.\n", text);

        var entry = Assert.Single(await QueryAllAsync(server, "{unit=\"nginx.service\"}"));
        Assert.Equal("a\uFFFD\nb\uFFFDc", entry.Line);
        Assert.Equal(("nginx.service", "web-1"), (entry.Labels["service_name"], entry.Labels["hostname"]));
        Assert.InRange(entry.Nanos, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 1_000_000);
    }
}
