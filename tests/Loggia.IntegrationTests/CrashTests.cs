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

    /// <summary>
    /// As <see cref="CompactingFlags"/>, with a 1 h retention run every second: a stream pushed 3 h in the past shares
    /// the flushed blocks with the fresh ones, so retention rewrites blocks (drops that stream) during the pushes.
    /// </summary>
    private static readonly string[] RetentionFlags =
        [.. CompactingFlags, "-compactor.retention-enabled=true", "-store.retention=1h", "-validation.reject-old-samples=false"];

    [Fact]
    public Task SigkillDuringPushesFlushesAndPublishes_LosesAndDuplicatesNoAcknowledgedLine() => KillCyclesAsync(Flags, expect: null);

    [Fact]
    public Task SigkillDuringCompaction_LosesAndDuplicatesNoAcknowledgedLine() =>
        KillCyclesAsync(CompactingFlags, expect: "loggia_compaction_merges_total{outcome=\"merged\"}");

    [Fact]
    public Task SigkillDuringRetentionAndCompaction_LosesAndDuplicatesNoAcknowledgedFreshLine() =>
        KillCyclesAsync(RetentionFlags, expect: "loggia_retention_blocks_total{action=\"rewritten\"}", expiredPusher: true);

    /// <summary>
    /// Three cycles of pushes and SIGKILL, then every acknowledged line exactly once; <paramref name="expect"/> is a
    /// counter that must have moved before the kills (proof the background work ran).
    /// </summary>
    private async Task KillCyclesAsync(string[] flags, string? expect, bool expiredPusher = false)
    {
        var port = ServerProcess.FreePort();
        var expectedWork = 0;
        var expired = new ConcurrentDictionary<string, byte>();
        var acknowledged = new ConcurrentDictionary<string, byte>();
        var random = new Random(7);
        var startNanos = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000) * 1_000_000;
        for (var cycle = 0; cycle < 3; cycle++)
        {
            using var server = await ServerProcess.StartAsync(_data, port, flags);
            using var stop = new CancellationTokenSource();
            var pushers = Enumerable.Range(0, 4).Select(p => AcknowledgedLines.PushUntilStoppedAsync(server.Client, "crash", $"c{cycle}-p{p}", 200, acknowledged, stop.Token)).ToList();
            if (expiredPusher)
            {
                pushers.Add(AcknowledgedLines.PushUntilStoppedAsync(server.Client, "expired", $"c{cycle}-old", 200, expired, stop.Token, TimeSpan.FromHours(3)));
            }

            await Task.Delay((expect is null ? 1500 : 3000) + random.Next(1500));
            expectedWork += expect is null ? 0 : await CounterAsync(server.Client, expect);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(pushers);
        }

        Assert.True(acknowledged.Count > 1000, $"only {acknowledged.Count} lines were acknowledged: the test did not exercise the server");
        Assert.True(expect is null || expectedWork > 0, $"{expect} did not move before the kills: the test did not exercise that work");
        using var final = await ServerProcess.StartAsync(_data, port, flags);
        AcknowledgedLines.AssertExactlyOnce([.. acknowledged.Keys], await AcknowledgedLines.QueryAllAsync(final.Client, "crash", startNanos));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "blocks"), "*.parquet", SearchOption.AllDirectories));
    }

    private static async Task<int> CounterAsync(HttpClient client, string series)
    {
        foreach (var line in (await client.GetStringAsync("/metrics")).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return int.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
