using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.IntegrationTests;

/// <summary>
/// <c>loggia backup</c> and <c>loggia restore</c> with real processes: snapshots taken while clients push and the
/// server flushes and publishes blocks hold every line acknowledged before the backup started, exactly once; the
/// second snapshot reuses the blocks of the first; a damaged block in the backup stops the restore.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private static readonly string[] Flags = ["-ingester.flush-size=1MB", "-validation.max-entries-limit=10000000"];

    private readonly string _root = Directory.CreateTempSubdirectory("loggia-backup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task OnlineSnapshots_RestoreEveryLineAcknowledgedBeforeTheBackup_ExactlyOnce()
    {
        var data = Path.Combine(_root, "data");
        var backup = Path.Combine(_root, "backup");
        var port = ServerProcess.FreePort();
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var startNanos = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        string[] beforeFirst, beforeSecond;
        string firstOutput, secondOutput;
        using (var server = await ServerProcess.StartAsync(data, port, Flags))
        {
            using var stop = new CancellationTokenSource();
            var pushers = Enumerable.Range(0, 3).Select(p => PushUntilStoppedAsync(server.Client, p, acknowledged, stop.Token)).ToArray();
            await WaitUntilAsync(() => acknowledged.Count > 20_000 && PublishedBlockFiles(data) >= 2);

            beforeFirst = [.. acknowledged.Keys];
            var first = await RunCliAsync("backup", "-data", data, "-to", backup);
            Assert.True(first.Exit == 0, first.Err);
            firstOutput = first.Out;

            var blocksAtFirst = PublishedBlockFiles(data);
            await WaitUntilAsync(() => acknowledged.Count > beforeFirst.Length + 20_000 && PublishedBlockFiles(data) > blocksAtFirst);
            beforeSecond = [.. acknowledged.Keys];
            var second = await RunCliAsync("backup", "-data", data, "-to", backup);
            Assert.True(second.Exit == 0, second.Err);
            secondOutput = second.Out;
            await stop.CancelAsync();
            await Task.WhenAll(pushers);
        }

        Assert.Matches(@"snapshot \S+: [1-9]\d* blocks \([1-9]\d* copied", firstOutput);
        // Incremental: the blocks of the first snapshot are still published and are not copied again.
        Assert.Matches(@"[1-9]\d* already in the backup", secondOutput);
        var snapshots = (await RunCliAsync("restore", "-from", backup, "-list")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, snapshots.Length);

        await AssertRestoredAsync(backup, snapshots[0], beforeFirst, startNanos);
        await AssertRestoredAsync(backup, null, beforeSecond, startNanos);
    }

    [Fact]
    public async Task ADamagedBlockInTheBackup_StopsTheRestore_AndNamesTheBlock()
    {
        var data = Path.Combine(_root, "data");
        var backup = Path.Combine(_root, "backup");
        using (var server = await ServerProcess.StartAsync(data, ServerProcess.FreePort(), Flags))
        {
            var acknowledged = new ConcurrentDictionary<string, byte>();
            using var stop = new CancellationTokenSource();
            var pusher = PushUntilStoppedAsync(server.Client, 0, acknowledged, stop.Token);
            await WaitUntilAsync(() => PublishedBlockFiles(data) >= 2);
            await stop.CancelAsync();
            await pusher;
            Assert.Equal(0, (await RunCliAsync("backup", "-data", data, "-to", backup)).Exit);
        }

        var damaged = Directory.GetFiles(Path.Combine(backup, "blocks"), "*.parquet", SearchOption.AllDirectories)[0];
        await using (var file = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            file.Write("damaged bytes"u8);
        }

        var target = Path.Combine(_root, "restored");
        var restore = await RunCliAsync("restore", "-from", backup, "-data", target);
        Assert.Equal(1, restore.Exit);
        Assert.Contains(Path.GetFileName(damaged), restore.Err, StringComparison.Ordinal);
        Assert.Contains("corrupt", restore.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a failed restore left a data directory behind");

        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "something"), "x");
        var notEmpty = await RunCliAsync("restore", "-from", backup, "-data", target);
        Assert.Equal(1, notEmpty.Exit);
        Assert.Contains("is not empty", notEmpty.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduledBackups_TakeSnapshotsEveryInterval_KeepTheNewest_AndRestore()
    {
        var data = Path.Combine(_root, "data");
        var backup = Path.Combine(_root, "backup");
        var startNanos = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        string[] pushed;
        using (var server = await ServerProcess.StartAsync(data, ServerProcess.FreePort(), [.. Flags, $"-backup.directory={backup}", "-backup.interval=1s", "-backup.keep=2"]))
        {
            var acknowledged = new ConcurrentDictionary<string, byte>();
            using (var stop = new CancellationTokenSource())
            {
                var pusher = PushUntilStoppedAsync(server.Client, 0, acknowledged, stop.Token);
                await WaitUntilAsync(() => acknowledged.Count >= 5_000);
                await stop.CancelAsync();
                await pusher;
            }

            pushed = [.. acknowledged.Keys];
            var pushedAt = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => OkBackups(server) >= 4 && Snapshots(backup).Any(s => string.CompareOrdinal(s, pushedAt) > 0));
            Assert.True(Snapshots(backup).Length <= 2, string.Join(", ", Snapshots(backup)));
        }

        await AssertRestoredAsync(backup, null, pushed, startNanos);
    }

    private static string[] Snapshots(string backup)
    {
        var directory = Path.Combine(backup, "snapshots");
        return Directory.Exists(directory)
            ? [.. Directory.GetDirectories(directory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Select(n => n!)]
            : [];
    }

    private static int OkBackups(ServerProcess server)
    {
        var metrics = server.Client.GetStringAsync("/metrics").GetAwaiter().GetResult();
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"loggia_backups_total\{outcome=""ok""\} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private async Task AssertRestoredAsync(string backup, string? snapshot, string[] expected, long startNanos)
    {
        var target = Path.Combine(_root, "restored-" + (snapshot ?? "latest"));
        string[] args = snapshot is null ? ["restore", "-from", backup, "-data", target] : ["restore", "-from", backup, "-data", target, "-snapshot", snapshot];
        var restore = await RunCliAsync(args);
        Assert.True(restore.Exit == 0, restore.Err);
        Assert.Contains("checksums verified", restore.Out, StringComparison.Ordinal);

        using var server = await ServerProcess.StartAsync(target, ServerProcess.FreePort(), Flags);
        var returned = await QueryAllAsync(server.Client, startNanos);
        var counts = returned.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var missing = expected.Where(l => !counts.ContainsKey(l)).ToList();
        var duplicated = counts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Length} lines acknowledged before the backup are missing, e.g. {string.Join(", ", missing.Take(3))}");
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} lines are returned more than once, e.g. {string.Join(", ", duplicated.Take(3))}");
    }

    private static async Task PushUntilStoppedAsync(HttpClient client, int pusher, ConcurrentDictionary<string, byte> acknowledged, CancellationToken stop)
    {
        var batch = 0;
        var filler = new string('x', 120);
        while (!stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            var ids = Enumerable.Range(0, 500).Select(i => $"p{pusher}-b{batch}-l{i}").ToList();
            var values = string.Join(',', ids.Select((id, i) => $"[\"{now + i}\",\"{id} {filler}\"]"));
            var json = $"{{\"streams\":[{{\"stream\":{{\"app\":\"backup\",\"pusher\":\"p{pusher}\"}},\"values\":[{values}]}}]}}";
            using var response = await client.PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"), CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                foreach (var id in ids)
                {
                    acknowledged.TryAdd(id, 0);
                }
            }

            batch++;
        }
    }

    /// <summary>Block data files with their index beside them (the index is written last, just before publishing).</summary>
    private static int PublishedBlockFiles(string data)
    {
        var blocks = Path.Combine(data, "blocks");
        return Directory.Exists(blocks) ? Directory.GetFiles(blocks, "*.idx", SearchOption.AllDirectories).Length : 0;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the pushes");
            await Task.Delay(50);
        }
    }

    private static async Task<List<string>> QueryAllAsync(HttpClient client, long startNanos)
    {
        var end = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000) * 1_000_000;
        var url = $"/loki/api/v1/query_range?query={Uri.EscapeDataString("{app=\"backup\"}")}&start={startNanos}&end={end}&limit=10000000&direction=forward";
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        using var document = JsonDocument.Parse(body);
        var lines = new List<string>();
        foreach (var stream in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                lines.Add(value[1].GetString()!.Split(' ')[0]);
            }
        }

        return lines;
    }

    private static async Task<(int Exit, string Out, string Err)> RunCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loggia.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await output, await error);
    }
}
