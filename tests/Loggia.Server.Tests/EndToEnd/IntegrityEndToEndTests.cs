using System.Net;
using System.Text.Json;
using Loggia.Query.Http;
using Loggia.Server.Storage;
using Loggia.Storage.Catalog;
using Loggia.Storage.Head;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// A damaged block never fails a query: the running server answers 200 from the healthy blocks, with a warning naming
/// the skipped block's time range, and logs and counts the damage.
/// </summary>
public sealed class IntegrityEndToEndTests
{
    private const long Second = 1_000_000_000L;

    private static string[] Lines(JsonElement json) =>
        [.. json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)).Order(StringComparer.Ordinal)];

    private static string[] Warnings(JsonElement json) =>
        json.TryGetProperty("warnings", out var warnings) ? [.. warnings.EnumerateArray().Select(w => w.GetString()!)] : [];

    /// <summary>Pushes two batches, each flushed into its own block; returns the blocks oldest first.</summary>
    internal static async Task<IReadOnlyList<BlockInfo>> PushTwoBlocksAsync(RunningServer server)
    {
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", -50 * Second, "old line one"), ("{\"app\":\"api\"}", -49 * Second, "old line two"));
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
        await server.PushLinesAsync(null, ("{\"app\":\"api\"}", -40 * Second, "new line one"), ("{\"app\":\"api\"}", -39 * Second, "new line two"));
        await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
        var blocks = (await storage.Catalog.AllAsync(CancellationToken.None)).OrderBy(b => b.MinTimeNanos).ToList();
        Assert.Equal(2, blocks.Count);
        return blocks;
    }

    /// <summary>Damages a block's files on disk the way <paramref name="damage"/> says.</summary>
    internal static void Damage(string dataDirectory, BlockInfo block, string damage)
    {
        var parquet = Path.Combine(dataDirectory, block.Path);
        var sidecar = Path.ChangeExtension(parquet, ".idx");
        switch (damage)
        {
            case "overwrite":
                // Garbage over a few bytes in the middle of the column data (between the leading magic and the footer),
                // length unchanged: the footer still parses, so only checksums can tell.
                using (var file = new FileStream(parquet, FileMode.Open, FileAccess.ReadWrite))
                {
                    var tail = new byte[8];
                    file.Position = file.Length - 8;
                    file.ReadExactly(tail);
                    var dataEnd = file.Length - 8 - BitConverter.ToInt32(tail, 0);
                    file.Position = 4 + ((dataEnd - 4) / 2);
                    file.Write(Enumerable.Repeat((byte)0xA5, 4).ToArray());
                }

                break;
            case "truncate":
                using (var file = new FileStream(parquet, FileMode.Open, FileAccess.ReadWrite))
                {
                    file.SetLength(file.Length / 2);
                }

                break;
            case "delete":
                File.Delete(parquet);
                break;
            case "sidecar":
                var bytes = File.ReadAllBytes(sidecar);
                bytes[bytes.Length / 2] ^= 0xFF;
                File.WriteAllBytes(sidecar, bytes);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(damage), damage, "unknown damage");
        }
    }

    [Theory]
    [InlineData("overwrite")]
    [InlineData("truncate")]
    [InlineData("delete")]
    [InlineData("sidecar")]
    public async Task DamagedBlock_QueriesAnswerFromHealthyBlocks_WithAWarningNamingItsRange(string damage)
    {
        await using var server = await RunningServer.StartAsync();
        var blocks = await PushTwoBlocksAsync(server);
        var damaged = blocks[0];
        Damage(server.DataDirectory, damaged, damage);

        var range = $"&start={RunningServer.Now - (60 * Second)}&end={RunningServer.Now}&limit=100";
        var (status, body) = await server.GetAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"}")}{range}");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        var logs = JsonDocument.Parse(body).RootElement;
        Assert.Equal("success", logs.GetProperty("status").GetString());
        Assert.Equal(["new line one", "new line two"], Lines(logs));
        var warning = Assert.Single(Warnings(logs));
        Assert.Contains(damaged.Id, warning, StringComparison.Ordinal);
        Assert.Contains(GoTimeFormat.Rfc3339Nano(damaged.MinTimeNanos), warning, StringComparison.Ordinal);
        Assert.Contains(GoTimeFormat.Rfc3339Nano(damaged.MaxTimeNanos), warning, StringComparison.Ordinal);

        // Metric queries too: range and instant, counting only the healthy block's entries.
        var metric = await server.GetJsonAsync($"/loki/api/v1/query?query={RunningServer.Escape("sum(count_over_time({app=\"api\"}[5m]))")}&time={RunningServer.Now}");
        Assert.Equal("2", metric.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
        Assert.Contains(damaged.Id, Assert.Single(Warnings(metric)), StringComparison.Ordinal);
        var matrix = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("sum(count_over_time({app=\"api\"}[5m]))")}{range}&step=60");
        Assert.Contains(damaged.Id, Assert.Single(Warnings(matrix)), StringComparison.Ordinal);

        // A filter that only the healthy block can match is answered too, and the metadata endpoints keep working.
        var series = await server.GetJsonAsync($"/loki/api/v1/series?match[]={RunningServer.Escape("{app=\"api\"}")}{range}");
        Assert.Equal("api", series.GetProperty("data")[0].GetProperty("app").GetString());

        var metrics = await server.Client.GetStringAsync("/metrics");
        var counted = metrics.Split('\n').Single(l => l.StartsWith("loggia_query_corrupt_blocks_total", StringComparison.Ordinal));
        Assert.True(long.Parse(counted.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= 3, counted);
    }

    [Fact]
    public async Task HealthyBlocks_AnswerWithoutWarnings()
    {
        await using var server = await RunningServer.StartAsync();
        await PushTwoBlocksAsync(server);
        var range = $"&start={RunningServer.Now - (60 * Second)}&end={RunningServer.Now}&limit=100";
        var logs = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"}")}{range}");
        Assert.Equal(["new line one", "new line two", "old line one", "old line two"], Lines(logs));
        Assert.False(logs.TryGetProperty("warnings", out _));
    }
}
