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
            var pushers = Enumerable.Range(0, 3).Select(p => AcknowledgedLines.PushUntilStoppedAsync(server.Client, "backup", $"p{p}", 500, acknowledged, stop.Token)).ToArray();
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
            var pusher = AcknowledgedLines.PushUntilStoppedAsync(server.Client, "backup", "p0", 500, acknowledged, stop.Token);
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
                var pusher = AcknowledgedLines.PushUntilStoppedAsync(server.Client, "backup", "p0", 500, acknowledged, stop.Token);
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
        AcknowledgedLines.AssertExactlyOnce(expected, await AcknowledgedLines.QueryAllAsync(server.Client, "backup", startNanos));
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

    private static Task<(int Exit, string Out, string Err)> RunCliAsync(params string[] args) => LoggiaCli.RunAsync(null, args);
}
