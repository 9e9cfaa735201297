using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Tests.Execution;

/// <summary>
/// Limit queries open sources in time order and stop once the limit is met, without changing any result.
/// </summary>
public class LogSourceSchedulingTests
{
    private static readonly TenantId Tenant = TenantId.Fake;
    private static readonly Labels A = Labels.Parse("{app=\"a\"}");
    private static readonly Labels B = Labels.Parse("{app=\"b\"}");

    /// <summary>Twenty sources of ten entries each, source i holding timestamps 10i..10i+9 (disjoint, in order).</summary>
    private static List<CountingSource> DisjointSources()
    {
        var sources = new List<CountingSource>();
        for (var i = 0; i < 20; i++)
        {
            var s = new InMemoryLogSource(batchSize: 3);
            for (var t = 10 * i; t < 10 * i + 10; t++)
            {
                s.Append(Tenant, t % 2 == 0 ? A : B, t, $"line {t}");
            }
            sources.Add(new CountingSource(s, 10 * i, 10 * i + 9));
        }
        // The caller's order must not matter: shuffle deterministically.
        return [.. sources.OrderBy(s => (s.MinTimeNanos * 7919) % 20)];
    }

    private static LogQueryResult Run(IReadOnlyList<ILogSource> sources, int limit, QueryDirection direction, string query = "{app=~\"a|b\"}", int parallelism = 2) =>
        new LogQueryEngine(scanParallelism: parallelism).Execute(
            new LogQueryRequest { Tenant = Tenant, Query = query, StartNanos = 0, EndNanos = 1000, Limit = limit, Direction = direction },
            sources,
            CancellationToken.None);

    private static string Timestamps(LogQueryResult result)
    {
        var all = new List<long>();
        foreach (var s in result.Streams)
        {
            foreach (var e in s.Entries)
            {
                all.Add(e.TimestampNanos);
            }
        }
        all.Sort();
        return string.Join(",", all);
    }

    [Fact]
    public void Backward_Limit_OpensOnlyTheNewestSources()
    {
        var sources = DisjointSources();
        var result = Run(sources, limit: 15, QueryDirection.Backward);

        Assert.Equal(string.Join(",", Enumerable.Range(185, 15)), Timestamps(result));
        // 15 entries span the two newest sources, which the first parallel batch of two opens.
        Assert.Equal([180, 190], sources.Where(s => s.Opens > 0).Select(s => s.MinTimeNanos).Order());
        Assert.InRange(result.Statistics.TotalLinesProcessed, 15, 20);
    }

    [Fact]
    public void Forward_Limit_OpensOnlyTheOldestSources()
    {
        var sources = DisjointSources();
        var result = Run(sources, limit: 25, QueryDirection.Forward);

        Assert.Equal(string.Join(",", Enumerable.Range(0, 25)), Timestamps(result));
        Assert.Equal([0, 10, 20, 30], sources.Where(s => s.Opens > 0).Select(s => s.MinTimeNanos).Order());
    }

    [Fact]
    public void RareMatch_OpensEverySource_AndFindsTheOldestMatch()
    {
        var sources = DisjointSources();
        var result = Run(sources, limit: 11, QueryDirection.Backward, "{app=~\"a|b\"} |= \"line 3\"");

        // "line 3" and "line 30".."line 39": the newest sources hold no match, the oldest holds the last one.
        Assert.Equal("3,30,31,32,33,34,35,36,37,38,39", Timestamps(result));
        Assert.All(sources, s => Assert.Equal(1, s.Opens));
    }

    [Fact]
    public void SourcesWithoutBounds_AreOpenedFirst()
    {
        var bounded = DisjointSources();
        var unbounded = new InMemoryLogSource();
        unbounded.Append(Tenant, A, 5, "unbounded 5");
        var sources = new List<ILogSource> { unbounded };
        sources.AddRange(bounded);

        var result = Run(sources, limit: 3, QueryDirection.Forward);

        // The unbounded source may hold anything, so it takes part from the start: its entry at 5 is in order.
        Assert.Equal("0,1,2", Timestamps(result));
        Assert.Equal("0,1,2,3,4,5,5", Timestamps(Run(sources, limit: 7, QueryDirection.Forward)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void OverlappingSources_GiveTheSameResultAsOneSource(int seed)
    {
        var random = new Random(seed);
        var whole = new InMemoryLogSource(batchSize: 4);
        var parts = new List<ILogSource>();
        for (var i = 0; i < 12; i++)
        {
            var part = new InMemoryLogSource(batchSize: 4);
            var start = random.Next(0, 800);
            var width = random.Next(1, 200);
            var count = random.Next(0, 30);
            long min = long.MaxValue, max = long.MinValue;
            for (var j = 0; j < count; j++)
            {
                var t = start + random.Next(0, width);
                var labels = random.Next(2) == 0 ? A : B;
                var line = $"p{i} e{j} {(random.Next(3) == 0 ? "needle" : "hay")}";
                part.Append(Tenant, labels, t, line);
                whole.Append(Tenant, labels, t, line);
                min = Math.Min(min, t);
                max = Math.Max(max, t);
            }
            parts.Add(count == 0 ? part : new CountingSource(part, min, max));
        }

        foreach (var direction in new[] { QueryDirection.Backward, QueryDirection.Forward })
        {
            foreach (var limit in new[] { 1, 5, 17, 60, 1000 })
            {
                foreach (var query in new[] { "{app=~\"a|b\"}", "{app=\"a\"} |= \"needle\"" })
                {
                    for (var parallelism = 1; parallelism <= 3; parallelism++)
                    {
                        Assert.Equal(
                            Render(Run([whole], limit, direction, query, parallelism)),
                            Render(Run(parts, limit, direction, query, parallelism)));
                    }
                }
            }
        }
    }

    private static string Render(LogQueryResult r)
    {
        var sb = new StringBuilder();
        foreach (var s in r.Streams)
        {
            sb.Append(s.Labels).Append('=');
            // Entries of one stream with equal timestamps have no defined order across sources: compare them as sets.
            foreach (var group in s.Entries.GroupBy(e => e.TimestampNanos))
            {
                foreach (var line in group.Select(e => Encoding.UTF8.GetString(e.Line.Span)).Order(StringComparer.Ordinal))
                {
                    sb.Append(group.Key).Append(':').Append(line).Append(',');
                }
            }
            sb.Append(';');
        }
        return sb.ToString();
    }

    /// <summary>A source with known time bounds that counts how often it is opened.</summary>
    private sealed class CountingSource(ILogSource inner, long min, long max) : ILogSource
    {
        private int _opens;

        public int Opens => _opens;

        public long MinTimeNanos => min;

        public long MaxTimeNanos => max;

        public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opens);
            return inner.OpenStreams(request, cancellationToken);
        }
    }
}
