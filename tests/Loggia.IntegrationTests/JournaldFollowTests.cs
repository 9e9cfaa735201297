using System.Globalization;
using System.Text.Json;
using Loggia.Parquet.Tests.Interop;

namespace Loggia.IntegrationTests;

/// <summary>
/// <c>loggia collect journald</c> following a <c>--directory</c> as a real process: journal files added and rotated
/// while it runs arrive without a restart; SIGTERM saves the cursor and a restart sends exactly what is new; SIGKILL
/// loses nothing and repeats at most the batch that was not acknowledged (docs/ingest/journald.md).
/// </summary>
public sealed partial class JournaldCollectorTests
{
    /// <summary>The <c>__CURSOR</c> of the newest entry in <paramref name="journals"/>, as journalctl shows it.</summary>
    private static async Task<string> LastCursorAsync(string journals) =>
        (await JournalctlJsonAsync($"--directory={journals}"))[^1].GetProperty("__CURSOR").GetString()!;

    /// <summary>Whether the collector's cursor file holds <paramref name="cursor"/>: everything up to it is durable at the output.</summary>
    private static bool CursorIs(string cursorFile, string cursor)
    {
        try
        {
            return File.Exists(cursorFile) && File.ReadAllText(cursorFile).Trim() == cursor;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The MESSAGE of every entry the output holds, duplicates included.</summary>
    private static async Task<List<string>> CollectedMessagesAsync(string sink, string output, ServerProcess? server)
    {
        if (sink == "output")
        {
            return [.. DuckDb.Query($"SELECT message FROM '{Glob(output)}'").Rows.Select(r => r[0].GetString()!)];
        }

        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 60_000_000_000;
        var body = await server!.Client.GetStringAsync($"/loki/api/v1/query_range?query={Uri.EscapeDataString("{service_name=\"later\"}")}&start=0&end={end}&limit=5000&direction=forward");
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))];
    }

    private static List<string> Messages(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix} {i}"))];

    [Theory]
    [InlineData("output")]
    [InlineData("url")]
    public async Task Follow_Directory_NewAndRotatedFilesArrive_SigtermSavesCursor_RestartSendsOnlyTheNew(string sink)
    {
        var journals = Path.Combine(_dir, "journals");
        var output = Path.Combine(_dir, "out");
        var cursorFile = Path.Combine(_dir, "follow.cursor");
        using var server = sink == "url" ? await ServerProcess.StartAsync(Path.Combine(_dir, "data"), ServerProcess.FreePort(), "-validation.reject-old-samples=false", "-store.max-query-length=0") : null;
        string[] args = ["--directory", journals, "--cursor-file", cursorFile, "--idle-flush", "100",
            .. server is null ? new[] { "--output", output } : new[] { "--url", $"http://127.0.0.1:{server.Port}" }];

        // N entries before the start. Generated journals have no _BOOT_ID of this boot, as with another machine's
        // journal: `journalctl --follow` alone would show only the current boot and find nothing.
        var expected = Messages("first", 40);
        await RecentJournalAsync(journals, "a", 40, "first");
        var last = await LastCursorAsync(journals);
        using (var collector = CollectorProcess.Start(args))
        {
            await collector.WaitUntilAsync(() => CursorIs(cursorFile, last), "the first 40 entries");
            Assert.Equal(expected.Order(StringComparer.Ordinal), (await CollectedMessagesAsync(sink, output, server)).Order(StringComparer.Ordinal));

            // M entries in a new file while it runs, no restart.
            await RecentJournalAsync(journals, "b", 25, "second");
            expected.AddRange(Messages("second", 25));
            last = await LastCursorAsync(journals);
            await collector.WaitUntilAsync(() => CursorIs(cursorFile, last), "25 entries of a new journal file");

            // Rotation as journald does it: the active file is renamed to name@….journal and a new one takes its name.
            File.Move(Path.Combine(journals, "b.journal"), Path.Combine(journals, "b@0123456789abcdef0123456789abcdef-0000000000000001-0005f0000000000.journal"));
            await RecentJournalAsync(journals, "b", 10, "rotated");
            expected.AddRange(Messages("rotated", 10));
            last = await LastCursorAsync(journals);
            await collector.WaitUntilAsync(() => CursorIs(cursorFile, last), "10 entries after a rotation");
            Assert.Equal(expected.Order(StringComparer.Ordinal), (await CollectedMessagesAsync(sink, output, server)).Order(StringComparer.Ordinal));

            Assert.Equal(0, await collector.TerminateAsync());
            Assert.Contains("collected 75 journal entries; cursor saved", collector.Output, StringComparison.Ordinal);
        }

        // K entries while it is stopped: the restart resumes after the saved cursor and sends exactly those.
        await RecentJournalAsync(journals, "c", 15, "third");
        expected.AddRange(Messages("third", 15));
        var final = await LastCursorAsync(journals);
        using (var collector = CollectorProcess.Start(args))
        {
            await collector.WaitUntilAsync(() => CursorIs(cursorFile, final), "the 15 entries written while stopped");
            Assert.Equal(0, await collector.TerminateAsync());
            Assert.Contains("collected 15 journal entries; cursor saved", collector.Output, StringComparison.Ordinal);
        }

        var collected = await CollectedMessagesAsync(sink, output, server);
        Assert.Equal(90, collected.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), collected.Order(StringComparer.Ordinal));
        if (sink == "output")
        {
            var cursors = DuckDb.Query($"SELECT cursor FROM '{Glob(output)}'").Rows.Select(r => r[0].GetString()).Order(StringComparer.Ordinal);
            Assert.Equal((await JournalctlJsonAsync($"--directory={journals}")).Select(e => e.GetProperty("__CURSOR").GetString()).Order(StringComparer.Ordinal), cursors);
        }
    }

    [Fact]
    public async Task Follow_SigtermWithABatchPending_FlushesItAndSavesItsCursor()
    {
        // Two minutes of entries and no idle flush: the first minute is flushed when the first entry of the second
        // is read, and that entry is added to the batch right after the cursor is saved, so it is pending at SIGTERM.
        var journals = Path.Combine(_dir, "journals");
        var output = Path.Combine(_dir, "out");
        var cursorFile = Path.Combine(output, "journald.cursor");
        var start = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600) / 60 * 60 * 1_000_000;
        await RecentJournalAsync(journals, "minutes", 200, "minutes", spacingMicros: 600_000, startMicros: start);
        var all = await JournalctlJsonAsync($"--directory={journals}");
        string[] args = ["--directory", journals, "--output", output, "--idle-flush", "600000"];

        long first;
        using (var collector = CollectorProcess.Start(args))
        {
            await collector.WaitUntilAsync(() => File.Exists(cursorFile), "the first minute flushed");
            Assert.Equal(all[99].GetProperty("__CURSOR").GetString(), File.ReadAllText(cursorFile).Trim());
            Assert.Equal(0, await collector.TerminateAsync());
            var summary = System.Text.RegularExpressions.Regex.Match(collector.Output, "collected ([0-9]+) journal entries; cursor saved");
            Assert.True(summary.Success, collector.Output);
            first = long.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        // What was read was flushed at SIGTERM and the cursor moved to its last entry.
        Assert.InRange(first, 101, 200);
        Assert.Equal(all[(int)first - 1].GetProperty("__CURSOR").GetString(), File.ReadAllText(cursorFile).Trim());
        Assert.Equal(first.ToString(CultureInfo.InvariantCulture), DuckDb.Query($"SELECT count(*) FROM '{Glob(output)}'").Scalar.GetString());

        Assert.Contains($"collected {200 - first} journal entries", await CollectAsync([.. args, "--no-follow"]), StringComparison.Ordinal);
        Assert.Equal(["200", "200"], DuckDb.Query($"SELECT count(*), count(DISTINCT message) FROM '{Glob(output)}'").Rows[0].Select(c => c.GetString()));
    }

    [Fact]
    public async Task Follow_SigkillMidStream_RestartLosesNothing_RepeatsAtMostOneBatch()
    {
        // One entry a second over 50 minutes: the minute sink flushes (files, then cursor) 50 times, so the kill
        // right after the first saved cursor lands while batches are still being made durable.
        var journals = Path.Combine(_dir, "journals");
        var output = Path.Combine(_dir, "out");
        var cursorFile = Path.Combine(output, "journald.cursor");
        var start = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600) / 60 * 60 * 1_000_000;
        await RecentJournalAsync(journals, "spread", 3000, "spread", spacingMicros: 1_000_000, startMicros: start);
        var last = await LastCursorAsync(journals);
        string[] args = ["--directory", journals, "--output", output, "--idle-flush", "100"];

        string savedAtKill;
        using (var collector = CollectorProcess.Start(args))
        {
            await collector.WaitUntilAsync(() => File.Exists(cursorFile), "the first saved cursor");
            var journalctl = ChildProcesses(collector.Pid);
            collector.KillHard();
            savedAtKill = File.ReadAllText(cursorFile).Trim();

            // journalctl notices that its reader is gone (POLLHUP on stdout) and exits, even with no new entries.
            Assert.NotEmpty(journalctl);
            await collector.WaitUntilAsync(() => journalctl.All(pid => !IsRunning(pid)), "journalctl to exit after its reader was killed", allowExited: true);
        }

        using (var collector = CollectorProcess.Start(args))
        {
            await collector.WaitUntilAsync(() => CursorIs(cursorFile, last), "every entry after the restart");
            Assert.Equal(0, await collector.TerminateAsync());
        }

        var counts = DuckDb.Query($"SELECT count(*), count(DISTINCT message), count(DISTINCT cursor) FROM '{Glob(output)}'").Rows[0].Select(c => long.Parse(c.GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3000, counts[1]);
        Assert.Equal(3000, counts[2]);

        // Repeated: at most one batch (one minute: 60 entries), and only entries after the cursor saved at the kill.
        Assert.InRange(counts[0] - 3000, 0, 60);
        var savedIndex = Index(DuckDb.Query($"SELECT message FROM '{Glob(output)}' WHERE cursor = '{savedAtKill.Replace("'", "''", StringComparison.Ordinal)}' LIMIT 1").Scalar.GetString()!);
        var repeated = DuckDb.Query($"SELECT message FROM '{Glob(output)}' GROUP BY message HAVING count(*) > 1").Rows.Select(r => Index(r[0].GetString()!)).ToList();
        Assert.All(repeated, index => Assert.True(index > savedIndex, $"entry {index} repeated, but the cursor saved at the kill was at entry {savedIndex}"));
    }

    private static int Index(string message) => int.Parse(message[(message.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>The pids whose parent is <paramref name="pid"/>, from <c>/proc/*/stat</c>.</summary>
    private static List<int> ChildProcesses(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid …": comm may hold spaces, so fields are counted after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                {
                    children.Add(child);
                }
            }
            catch (IOException)
            {
                // exited meanwhile
            }
        }

        return children;
    }

    /// <summary>Whether <paramref name="pid"/> exists and is not a zombie (an orphan may wait to be reaped by a PID 1 that does not).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
