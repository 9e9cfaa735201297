using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Loggia.Parquet.Tests.Interop;

namespace Loggia.IntegrationTests;

/// <summary>
/// <c>loggia collect journald</c> over real journal files (journalctl reads them; systemd-journal-remote writes the
/// second one; .ci/run installs both), into Parquet minute files read back by DuckDB and into a real server.
/// </summary>
public sealed partial class JournaldCollectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loggia-collect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await output, await error);
    }

    private static async Task<string> CollectAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "loggia.dll"), "collect", "journald", .. args]);
        Assert.True(exit == 0, $"collect journald {string.Join(' ', args)} → {exit}: {output} {error}");
        return output;
    }

    private static async Task<List<JsonElement>> JournalctlJsonAsync(params string[] source)
    {
        var (exit, output, error) = await RunAsync("journalctl", [.. source, "-o", "json", "--all"]);
        Assert.True(exit == 0, $"journalctl → {exit}: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static string SampleJournal(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "sample.journal");
        using var gz = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "journald", "sample.journal.gz")), CompressionMode.Decompress);
        using var file = File.Create(path);
        gz.CopyTo(file);
        return path;
    }

    /// <summary>
    /// A journal file with <paramref name="count"/> entries <c>MESSAGE=&lt;prefix&gt; i</c> from now on, one every
    /// <paramref name="spacingMicros"/> µs (from <paramref name="startMicros"/> when given), written by systemd-journal-remote.
    /// </summary>
    private async Task<string> RecentJournalAsync(string directory, string name, int count, string prefix = "later", long spacingMicros = 1, long? startMicros = null)
    {
        var export = new StringBuilder();
        var now = startMicros ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        for (int i = 0; i < count; i++)
        {
            export.Append(CultureInfo.InvariantCulture, $"__REALTIME_TIMESTAMP={now + (i * spacingMicros)}\n_HOSTNAME=epsilon\nSYSLOG_IDENTIFIER=later\nPRIORITY=5\nMESSAGE={prefix} {i}\n\n");
        }

        var input = Path.Combine(_dir, name + ".export");
        await File.WriteAllTextAsync(input, export.ToString());
        Directory.CreateDirectory(directory);
        var output = Path.Combine(directory, name + ".journal");
        var (exit, _, error) = await RunAsync("/lib/systemd/systemd-journal-remote", "--split-mode=none", "--compress=no", $"--output={output}", input);
        Assert.True(exit == 0, $"systemd-journal-remote → {exit}: {error}");
        return output;
    }

    private static string Glob(string output) => Path.Combine(output, "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);

    [Fact]
    public async Task CollectFile_NoFollow_MinuteFilesReadByDuckDbHoldEveryField()
    {
        var journal = SampleJournal(Path.Combine(_dir, "journal"));
        var output = Path.Combine(_dir, "out");
        var expected = await JournalctlJsonAsync($"--file={journal}");
        Assert.Equal(4, expected.Count);

        var summary = await CollectAsync("--file", journal, "--no-follow", "--output", output);
        Assert.Contains("collected 4 journal entries", summary, StringComparison.Ordinal);

        // One file per host and minute, named by the entries' time (UTC).
        var files = Directory.GetFiles(output, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order().ToList();
        Assert.Equal(["bupkis/2015/02/14/20150214-2015.parquet", "bupkis/2023/11/14/20231114-2213.parquet", "epsilon/2012/07/17/20120717-1601.parquet"], files);

        var rows = DuckDb.Query($"SELECT CAST(epoch_ns(timestamp) AS VARCHAR), hostname, syslog_identifier, priority, message, cursor, to_json(fields) FROM '{Glob(output)}' ORDER BY timestamp");
        Assert.Equal(expected.Count, rows.Rows.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            var row = rows.Rows[i];
            Assert.Equal((long.Parse(want.GetProperty("__REALTIME_TIMESTAMP").GetString()!, CultureInfo.InvariantCulture) * 1000).ToString(CultureInfo.InvariantCulture), row[0].GetString());
            Assert.Equal(want.GetProperty("_HOSTNAME").GetString(), row[1].GetString());
            Assert.Equal(want.GetProperty("SYSLOG_IDENTIFIER").GetString(), row[2].GetString());
            Assert.Equal(want.TryGetProperty("PRIORITY", out var p) ? p.GetString() : null, row[3].ValueKind == JsonValueKind.Null ? null : row[3].GetString());
            Assert.Equal(want.GetProperty("MESSAGE").GetString(), row[4].GetString());
            Assert.Equal(want.GetProperty("__CURSOR").GetString(), row[5].GetString());

            // Every other field journalctl shows is in the map, whole (multi-valued ones joined by newlines).
            using var map = JsonDocument.Parse(row[6].GetString()!);
            foreach (var field in want.EnumerateObject())
            {
                if (field.Name is "__REALTIME_TIMESTAMP" or "_HOSTNAME" or "SYSLOG_IDENTIFIER" or "PRIORITY" or "MESSAGE" or "__CURSOR")
                {
                    continue;
                }

                Assert.True(map.RootElement.TryGetProperty(field.Name, out var value), $"entry {i} lacks {field.Name}");
                Assert.Equal(ExpectedValue(field.Value), value.GetString());
            }
        }
    }

    /// <summary>A journalctl JSON value as the collector stores it: strings as they are, byte arrays decoded, multiple values joined.</summary>
    private static string ExpectedValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number) =>
            Encoding.UTF8.GetString([.. value.EnumerateArray().Select(v => v.GetByte())]),
        JsonValueKind.Array => string.Join('\n', value.EnumerateArray().Select(ExpectedValue)),
        _ => throw new InvalidOperationException($"unexpected journalctl value {value}"),
    };

    [Fact]
    public async Task CollectDirectory_RerunAfterNewJournalFile_NoLossNoDuplicates()
    {
        var journals = Path.Combine(_dir, "journals");
        SampleJournal(journals);
        var output = Path.Combine(_dir, "out");
        Assert.Contains("collected 4 journal entries", await CollectAsync("--directory", journals, "--no-follow", "--output", output), StringComparison.Ordinal);
        var cursor = await File.ReadAllTextAsync(Path.Combine(output, "journald.cursor"));
        Assert.StartsWith("s=", cursor, StringComparison.Ordinal);

        // Nothing new: a rerun resumes after the cursor and writes nothing.
        Assert.Contains("collected 0 journal entries", await CollectAsync("--directory", journals, "--no-follow", "--output", output), StringComparison.Ordinal);

        await RecentJournalAsync(journals, "more", 250);
        Assert.Contains("collected 250 journal entries", await CollectAsync("--directory", journals, "--no-follow", "--output", output), StringComparison.Ordinal);

        var all = await JournalctlJsonAsync($"--directory={journals}");
        Assert.Equal(254, all.Count);
        var counts = DuckDb.Query($"SELECT count(*), count(DISTINCT cursor), count(DISTINCT message) FROM '{Glob(output)}'").Rows[0];
        Assert.Equal(["254", "254", "254"], counts.Select(c => c.GetString()));
        var cursors = DuckDb.Query($"SELECT cursor FROM '{Glob(output)}'").Rows.Select(r => r[0].GetString()).Order();
        Assert.Equal(all.Select(e => e.GetProperty("__CURSOR").GetString()).Order(), cursors);
    }

    [Fact]
    public async Task CollectToUrl_EntriesQueryableAndRerunSendsNothingTwice()
    {
        var journals = Path.Combine(_dir, "journals");
        SampleJournal(journals);
        var port = ServerProcess.FreePort();
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir, "data"), port, "-validation.reject-old-samples=false", "-store.max-query-length=0");
        var cursorFile = Path.Combine(_dir, "url.cursor");
        var url = $"http://127.0.0.1:{port}";
        Assert.Contains("collected 4 journal entries", await CollectAsync("--directory", journals, "--no-follow", "--url", url, "--cursor-file", cursorFile), StringComparison.Ordinal);
        await RecentJournalAsync(journals, "more", 30);
        Assert.Contains("collected 30 journal entries", await CollectAsync("--directory", journals, "--no-follow", "--url", url, "--cursor-file", cursorFile), StringComparison.Ordinal);

        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 60_000_000_000;
        var body = await server.Client.GetStringAsync($"/loki/api/v1/query_range?query={Uri.EscapeDataString("{service_name=~\".+\"}")}&start=0&end={end}&limit=1000");
        using var json = JsonDocument.Parse(body);
        var entries = json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => (Labels: s.GetProperty("stream"), Line: v[1].GetString()!))).ToList();
        Assert.Equal(34, entries.Count);
        Assert.Equal(30, entries.Count(e => e.Labels.GetProperty("service_name").GetString() == "later"));
        Assert.Equal(30, entries.Select(e => e.Line).Where(l => l.StartsWith("later ", StringComparison.Ordinal)).Distinct().Count());
        var gdm = entries.Single(e => e.Labels.GetProperty("service_name").GetString() == "gdm-password]").Labels;
        Assert.Equal(("epsilon", "587", "warn"), (gdm.GetProperty("hostname").GetString(), gdm.GetProperty("_PID").GetString(), gdm.GetProperty("detected_level").GetString()));
    }

    [Fact]
    public async Task CollectToUrl_ServerDown_RetriesThenFailsWithoutSavingTheCursor()
    {
        var journal = SampleJournal(Path.Combine(_dir, "journal"));
        var cursorFile = Path.Combine(_dir, "down.cursor");
        var (exit, output, error) = await RunAsync("dotnet", Path.Combine(AppContext.BaseDirectory, "loggia.dll"), "collect", "journald",
            "--file", journal, "--no-follow", "--url", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--cursor-file", cursorFile, "--max-retries", "2");
        Assert.True(exit == 1, $"{exit}: {output} {error}");
        Assert.Equal(2, error.Split('\n').Count(l => l.Contains("retrying in", StringComparison.Ordinal)));
        Assert.Contains("giving up on a batch of 4 entries after 3 attempts", error, StringComparison.Ordinal);
        Assert.False(File.Exists(cursorFile));
    }
}
