using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loggia.IntegrationTests;

/// <summary>
/// The server is SIGKILLed while several clients push concurrently and blocks are being flushed
/// and published (a 1 MB flush size makes that constant); after each restart every acknowledged
/// line must be returned exactly once.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-crash-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static readonly string[] Flags = ["-ingester.flush-size=1MB", "-validation.max-entries-limit=10000000"];

    /// <summary>Compaction every second towards 4 MB blocks, old files deleted at once: merges run during the pushes.</summary>
    private static readonly string[] CompactingFlags =
        [.. Flags, "-compactor.compaction-interval=1s", "-compactor.compaction-target-size=4MB", "-compactor.retention-delete-delay=0s"];

    [Fact]
    public Task SigkillDuringPushesFlushesAndPublishes_LosesAndDuplicatesNoAcknowledgedLine() => KillCyclesAsync(Flags, expectMerges: false);

    [Fact]
    public Task SigkillDuringCompaction_LosesAndDuplicatesNoAcknowledgedLine() => KillCyclesAsync(CompactingFlags, expectMerges: true);

    private async Task KillCyclesAsync(string[] flags, bool expectMerges)
    {
        var port = ServerProcess.FreePort();
        var merges = 0;
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var random = new Random(7);
        var startNanos = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        for (var cycle = 0; cycle < 3; cycle++)
        {
            using var server = await ServerProcess.StartAsync(_data, port, flags);
            using var stop = new CancellationTokenSource();
            var pushers = Enumerable.Range(0, 4).Select(p => AcknowledgedLines.PushUntilStoppedAsync(server.Client, "crash", $"c{cycle}-p{p}", 200, acknowledged, stop.Token)).ToArray();
            await Task.Delay((expectMerges ? 3000 : 1500) + random.Next(1500));
            merges += await MergedCountAsync(server.Client);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(pushers);
        }

        Assert.True(acknowledged.Count > 1000, $"only {acknowledged.Count} lines were acknowledged: the test did not exercise the server");
        Assert.True(!expectMerges || merges > 0, "no compaction merge ran before the kills: the test did not exercise compaction");
        using var final = await ServerProcess.StartAsync(_data, port, flags);
        AcknowledgedLines.AssertExactlyOnce([.. acknowledged.Keys], await AcknowledgedLines.QueryAllAsync(final.Client, "crash", startNanos));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "blocks"), "*.parquet", SearchOption.AllDirectories));
    }

    private static async Task<int> MergedCountAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"loggia_compaction_merges_total\{outcome=""merged""\} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
