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
            var pushers = Enumerable.Range(0, 4).Select(p => PushUntilStoppedAsync(server.Client, cycle, p, acknowledged, stop.Token)).ToArray();
            await Task.Delay((expectMerges ? 3000 : 1500) + random.Next(1500));
            merges += await MergedCountAsync(server.Client);
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(pushers);
        }

        Assert.True(acknowledged.Count > 1000, $"only {acknowledged.Count} lines were acknowledged: the test did not exercise the server");
        Assert.True(!expectMerges || merges > 0, "no compaction merge ran before the kills: the test did not exercise compaction");
        using var final = await ServerProcess.StartAsync(_data, port, flags);
        var returned = await QueryAllAsync(final.Client, startNanos);
        var counts = returned.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var missing = acknowledged.Keys.Where(l => !counts.ContainsKey(l)).ToList();
        var duplicated = counts.Where(c => c.Value > 1).Select(c => c.Key).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged lines are missing, e.g. {string.Join(", ", missing.Take(3))}");
        Assert.True(duplicated.Count == 0, $"{duplicated.Count} lines are returned more than once, e.g. {string.Join(", ", duplicated.Take(3))}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "blocks"), "*.parquet", SearchOption.AllDirectories));
    }

    private static async Task<int> MergedCountAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(metrics, @"loggia_compaction_merges_total\{outcome=""merged""\} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task PushUntilStoppedAsync(HttpClient client, int cycle, int pusher, ConcurrentDictionary<string, byte> acknowledged, CancellationToken stop)
    {
        var batch = 0;
        var filler = new string('x', 120);
        while (!stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            var ids = Enumerable.Range(0, 200).Select(i => $"c{cycle}-p{pusher}-b{batch}-l{i}").ToList();
            var values = string.Join(',', ids.Select((id, i) => $"[\"{now + i}\",\"{id} {filler}\"]"));
            var json = $"{{\"streams\":[{{\"stream\":{{\"app\":\"crash\",\"pusher\":\"p{pusher}\"}},\"values\":[{values}]}}]}}";
            try
            {
                using var response = await client.PostAsync("/loki/api/v1/push", new StringContent(json, Encoding.UTF8, "application/json"), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    foreach (var id in ids)
                    {
                        acknowledged.TryAdd(id, 0);
                    }
                }
            }
            catch (HttpRequestException)
            {
                return; // the server was killed: what was not acknowledged may or may not be there
            }
            catch (TaskCanceledException)
            {
                return;
            }

            batch++;
        }
    }

    private static async Task<List<string>> QueryAllAsync(HttpClient client, long startNanos)
    {
        var end = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 60_000) * 1_000_000;
        var url = $"/loki/api/v1/query_range?query={Uri.EscapeDataString("{app=\"crash\"}")}&start={startNanos}&end={end}&limit=10000000&direction=forward";
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
}
