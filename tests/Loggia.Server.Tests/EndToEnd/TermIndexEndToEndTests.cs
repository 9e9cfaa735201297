using System.Net;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Http;
using Loggia.Server.Storage;
using Loggia.Storage.Blocks;
using Loggia.Storage.Head;
using Loggia.Storage.TermIndex;
using Microsoft.Extensions.DependencyInjection;

namespace Loggia.Server.Tests.EndToEnd;

/// <summary>
/// The term index in the running server: a long-range needle query opens only the blocks of the hours holding its
/// terms and returns what a full scan returns; the histogram endpoint answers from the index; damage loses nothing.
/// </summary>
public sealed class TermIndexEndToEndTests
{
    private const string OldDataConfig = "limits_config:\n  reject_old_samples: false\n  max_query_length: 0\n";
    private const long Hour = TermHours.HourNanos;
    private const string Needle = "payment txn-4f3a9 refund";

    /// <summary>Midnight UTC five days ago; data in hours 1, 5, 9 and 13 of days 0–2 from there, one block per hour.</summary>
    private static readonly long Day0 = TermHours.FirstHourOf(TermHours.DayOfHour(TermHours.HourOf(RunningServer.Now)) - 5) * Hour;

    private static string[] Lines(JsonElement json) =>
        [.. json.GetProperty("data").GetProperty("result").EnumerateArray().SelectMany(s => s.GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!))];

    private static async Task<int> PublishDaysAsync(RunningServer server)
    {
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        var blocks = 0;
        for (var day = 0; day < 3; day++)
        {
            foreach (var hour in new[] { 1, 5, 9, 13 })
            {
                var at = Day0 + (((day * 24) + hour) * Hour);
                var lines = Enumerable.Range(0, 20).Select(i => ("{\"app\":\"api\"}", at + (i * 1_000_000_000L) - RunningServer.Now, $"GET /api/{i} ok")).ToList();
                if (day == 1 && hour == 5)
                {
                    lines.Add(("{\"app\":\"api\"}", at + (30 * 1_000_000_000L) - RunningServer.Now, Needle));
                }

                if (day == 2 && hour == 9)
                {
                    lines.Add(("{\"app\":\"api\"}", at + (30 * 1_000_000_000L) - RunningServer.Now, "refund without a transaction"));
                }

                await server.PushLinesAsync(null, [.. lines]);
                await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
                blocks++;
            }
        }

        await storage.TermIndex.RefreshAsync(storage.Catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
        return blocks;
    }

    private static string Range => $"&start={Day0}&end={RunningServer.Now}&limit=1000";

    [Fact]
    public async Task LongRangeNeedleQuery_OpensOnlyTheMatchingHoursBlocks_AndEqualsAFullScan()
    {
        await using var server = await RunningServer.StartAsync(yaml: OldDataConfig);
        var blocks = await PublishDaysAsync(server);

        var needle = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"} |= \" txn-4f3a9 \"")}{Range}");
        var all = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"}")}{Range}");
        Assert.Equal(blocks * 20 + 2, Lines(all).Length);
        Assert.Equal(Lines(all).Where(l => l.Contains(" txn-4f3a9 ", StringComparison.Ordinal)), Lines(needle));
        Assert.Equal([Needle], Lines(needle));

        // Loki's querier.store.chunk.compressedBytes: the Parquet bytes decoded — one block's for the needle.
        static long Compressed(JsonElement json) => json.GetProperty("data").GetProperty("stats").GetProperty("querier").GetProperty("store").GetProperty("chunk").GetProperty("compressedBytes").GetInt64();
        Assert.InRange(Compressed(needle), 1, Compressed(all) / (blocks / 2));

        // The sources the query opens: the head and the one block of day 1, hour 5.
        var sources = server.App.Services.GetRequiredService<QuerySources>();
        var selector = LogQLParser.ParseLogSelector("{app=\"api\"} |= \" txn-4f3a9 \"");
        var statistics = new BlockScanStatistics();
        var opened = await sources.OpenAsync(TenantId.Fake, StreamMatcher.Compile(selector.Matchers), LinePipeline.Compile(selector), Day0, RunningServer.Now, CancellationToken.None, statistics);
        Assert.Equal(2, opened.Count);
        Assert.Equal(blocks - 1, statistics.BlocksSkippedByTermIndex);

        var metrics = await server.Client.GetStringAsync("/metrics");
        var skipped = metrics.Split('\n').Single(l => l.StartsWith("loggia_term_index_blocks_skipped_total", StringComparison.Ordinal));
        Assert.True(long.Parse(skipped.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= (2 * (blocks - 1)), skipped);
    }

    [Fact]
    public async Task Histogram_SaysWhichDaysAndHoursHoldTheTerms_AndRejectsBadInput()
    {
        await using var server = await RunningServer.StartAsync(yaml: OldDataConfig);
        await PublishDaysAsync(server);

        var days = await server.GetJsonAsync($"/loggia/api/v1/terms/histogram?terms={RunningServer.Escape("txn-4f3a9,refund")}&step=1d&start={Day0}&end={Day0 + (72 * Hour)}");
        var data = days.GetProperty("data");
        Assert.Equal(["txn-4f3a9", "refund"], data.GetProperty("terms").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(86400, data.GetProperty("step").GetInt64());
        var buckets = data.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal([Day0 / 1_000_000_000, (Day0 / 1_000_000_000) + 86400, (Day0 / 1_000_000_000) + 172800], buckets.Select(b => b.GetProperty("start").GetInt64()));
        Assert.Equal([0L, 1, 0], buckets.Select(b => b.GetProperty("hours").GetInt64()));
        Assert.Equal([0L, 1, 0], buckets.Select(b => b.GetProperty("lines").GetInt64()));
        Assert.Equal([[0L, 0], [1L, 1], [0L, 1]], buckets.Select(b => b.GetProperty("terms").EnumerateArray().Select(t => t.GetInt64()).ToArray()));
        Assert.All(buckets, b => Assert.True(b.GetProperty("complete").GetBoolean()));

        var hours = await server.GetJsonAsync($"/loggia/api/v1/terms/histogram?terms=refund&step=1h&start={Day0}&end={Day0 + (72 * Hour)}");
        var present = hours.GetProperty("data").GetProperty("buckets").EnumerateArray().Where(b => b.GetProperty("hours").GetInt64() > 0).Select(b => (b.GetProperty("start").GetInt64() - (Day0 / 1_000_000_000)) / 3600);
        Assert.Equal([29L, 57], present);

        foreach (var (query, message) in new[]
        {
            ("step=1d", "terms: at least one term is required (terms=a,b)"),
            ("terms=a&step=5m", "step: '5m' is not a positive whole number of hours (1h, 1d, 1w, …)"),
            ("terms=--", "terms: '--' has no word to search for (numbers alone are not indexed; query for them instead)"),
            ($"terms=a&start={Day0}&end={Day0 - 1}", "end timestamp must not be before or equal to start time"),
        })
        {
            var (status, body) = await server.GetAsync($"/loggia/api/v1/terms/histogram?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(message, body.Trim());
        }
    }

    [Fact]
    public async Task MissingOrDamagedIndexFiles_NeverLoseAResult()
    {
        await using var server = await RunningServer.StartAsync(yaml: OldDataConfig);
        await PublishDaysAsync(server);
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        var segments = Directory.GetFiles(Path.Combine(server.DataDirectory, TermHourIndex.DirectoryName), "*.tix", SearchOption.AllDirectories);
        Assert.Equal(3, segments.Length);
        foreach (var segment in segments)
        {
            var bytes = await File.ReadAllBytesAsync(segment);
            bytes[^20] ^= 0x55;
            await File.WriteAllBytesAsync(segment, bytes);
        }

        foreach (var terms in Directory.GetFiles(Path.Combine(server.DataDirectory, "blocks"), "*.terms", SearchOption.AllDirectories))
        {
            File.Delete(terms);
        }

        var needle = await server.GetJsonAsync($"/loki/api/v1/query_range?query={RunningServer.Escape("{app=\"api\"} |= \" txn-4f3a9 \"")}{Range}");
        Assert.Equal([Needle], Lines(needle));

        // The histogram says it cannot count those hours, rather than reporting zero.
        var histogram = await server.GetJsonAsync($"/loggia/api/v1/terms/histogram?terms=refund&step=1d&start={Day0}&end={Day0 + (72 * Hour)}");
        Assert.All(histogram.GetProperty("data").GetProperty("buckets").EnumerateArray(), b => Assert.False(b.GetProperty("complete").GetBoolean()));

        // The refresh rebuilds the term files from the blocks and the segments from them.
        Assert.Equal(3, await storage.TermIndex.RefreshAsync(storage.Catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
        histogram = await server.GetJsonAsync($"/loggia/api/v1/terms/histogram?terms=refund&step=1d&start={Day0}&end={Day0 + (72 * Hour)}");
        Assert.Equal([0L, 1, 1], histogram.GetProperty("data").GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("lines").GetInt64()));
    }

    [Fact]
    public async Task CompactionRetentionAndADeleteRequest_KeepTheHistogramTrue_AndTheServiceRebuildsTheSegments()
    {
        await using var server = await RunningServer.StartAsync(yaml: """
            limits_config:
              reject_old_samples: false
              max_query_length: 0
              retention_stream:
                - selector: '{app="old"}'
                  priority: 1
                  period: 24h
            compactor:
              retention_enabled: true
              compaction_interval: 1s
              retention_delete_delay: 0s
              delete_request_cancel_period: 0s
              compaction_target_size: 64MB
            storage:
              term_index_refresh_interval: 1s
            """);
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        async Task PushAsync(string app, long day, long hour, params string[] needles)
        {
            var at = Day0 + (((day * 24) + hour) * Hour) - RunningServer.Now;
            var lines = Enumerable.Range(0, 10).Select(i => ($"{{\"app\":\"{app}\"}}", at + (i * 1_000_000_000L), $"GET /{app}/{i} ok"))
                .Concat(needles.Select((n, i) => ($"{{\"app\":\"{app}\"}}", at + ((20 + i) * 1_000_000_000L), n)));
            await server.PushLinesAsync(null, [.. lines]);
            await storage.FlushAsync(HeadFlushMode.All, CancellationToken.None);
        }

        await PushAsync("old", 0, 3, "refund old");
        await PushAsync("api", 1, 5, Needle);
        await PushAsync("api", 1, 5); // a second small block of the hour: compacted with the first
        await PushAsync("api", 2, 9, "refund again");
        var histogram = $"/loggia/api/v1/terms/histogram?terms={RunningServer.Escape("txn-4f3a9,refund")}&step=1d&start={Day0}&end={Day0 + (72 * Hour)}";

        using (var post = new HttpRequestMessage(HttpMethod.Post, $"/loki/api/v1/delete?query={RunningServer.Escape("{app=\"api\"} |= \"txn-4f3a9\"")}&start={Day0 / 1_000_000_000}&end={RunningServer.Now / 1_000_000_000}"))
        using (var response = await server.Client.SendAsync(post))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        // Retention drops the old stream's hour, the delete request rewrites the needle's block, compaction merges hour 5;
        // the refresh rebuilds the days that changed and then deletes the segment of the day left without blocks.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var emptyDay = storage.TermIndex.SegmentPath("fake", TermHours.DayOfHour(TermHours.HourOf(Day0)));
        while (true)
        {
            var blocks = await storage.Catalog.AllAsync(CancellationToken.None);
            var processed = (await server.GetJsonAsync("/loki/api/v1/delete"))[0].GetProperty("status").GetString() == "processed";
            if (processed && blocks.Count == 2 && SegmentsListExactly(server, blocks) && !File.Exists(emptyDay))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out: {blocks.Count} blocks, delete processed: {processed}, segment of the emptied day still there: {File.Exists(emptyDay)}");
            await Task.Delay(100);
        }

        var buckets = (await server.GetJsonAsync(histogram)).GetProperty("data").GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal([[0L, 0], [0L, 0], [0L, 1]], buckets.Select(b => b.GetProperty("terms").EnumerateArray().Select(t => t.GetInt64()).ToArray()));
        Assert.All(buckets, b => Assert.Equal(0, b.GetProperty("hours").GetInt64()));
        Assert.All(buckets, b => Assert.True(b.GetProperty("complete").GetBoolean()));
        var refund = await server.GetJsonAsync($"/loggia/api/v1/terms/histogram?terms=refund&step=1h&start={Day0}&end={Day0 + (72 * Hour)}");
        Assert.Equal([57L], refund.GetProperty("data").GetProperty("buckets").EnumerateArray().Where(b => b.GetProperty("lines").GetInt64() > 0)
            .Select(b => (b.GetProperty("start").GetInt64() - (Day0 / 1_000_000_000)) / 3600));
    }

    /// <summary>Whether every tenant-day with blocks has a segment listing exactly its blocks.</summary>
    private static bool SegmentsListExactly(RunningServer server, IReadOnlyList<Loggia.Storage.Catalog.BlockInfo> blocks)
    {
        var storage = server.App.Services.GetRequiredService<StorageEngine>();
        foreach (var day in blocks.GroupBy(b => TermHours.DayOfHour(TermHours.HourOf(b.MinTimeNanos))))
        {
            using var segment = TermDaySegment.TryOpen(storage.TermIndex.SegmentPath("fake", day.Key));
            if (segment is null || !segment.Blocks.Keys.Order(StringComparer.Ordinal).SequenceEqual(day.Select(b => b.Id).Order(StringComparer.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
