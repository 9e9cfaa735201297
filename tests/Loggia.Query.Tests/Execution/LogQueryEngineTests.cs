using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Tests.Execution;

public class LogQueryEngineTests
{
    private static readonly TenantId Tenant = TenantId.Fake;
    private static readonly Labels A = Labels.Parse("{app=\"a\"}");
    private static readonly Labels B = Labels.Parse("{app=\"b\"}");
    private static readonly Labels C = Labels.Parse("{app=\"c\", env=\"x\"}");

    private static InMemoryLogSource ThreeStreams(int batchSize = 2)
    {
        var s = new InMemoryLogSource(batchSize);
        for (var t = 1; t <= 10; t++)
        {
            // a: odd timestamps, b: even timestamps, c: every third.
            if (t % 2 == 1)
            {
                s.Append(Tenant, A, t, $"a{t}");
            }
            else
            {
                s.Append(Tenant, B, t, $"b{t}");
            }
            if (t % 3 == 0)
            {
                s.Append(Tenant, C, t, $"c{t}");
            }
        }
        return s;
    }

    private static LogQueryResult Run(string query, int limit, QueryDirection direction, long start = 0, long end = 100, params ILogSource[] sources) =>
        new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = query, StartNanos = start, EndNanos = end, Limit = limit, Direction = direction },
            sources,
            CancellationToken.None);

    private static string Lines(StreamResult s)
    {
        var sb = new StringBuilder();
        foreach (var e in s.Entries)
        {
            sb.Append(sb.Length == 0 ? "" : ",").Append(Encoding.UTF8.GetString(e.Line.Span));
        }
        return sb.ToString();
    }

    private static string Render(LogQueryResult r)
    {
        var sb = new StringBuilder();
        foreach (var s in r.Streams)
        {
            sb.Append(s.Labels).Append('=').Append(Lines(s)).Append(';');
        }
        return sb.ToString();
    }

    [Fact]
    public void Backward_ReturnsNewestLimitEntriesAcrossStreams_StreamsSortedDescending()
    {
        var r = Run("{app=~\"a|b|c\"}", 4, QueryDirection.Backward, sources: ThreeStreams());
        // Newest four in merge order: 10(b), 9(a), 9(c), 8(b).
        Assert.Equal("{app=\"c\", env=\"x\"}=c9;{app=\"b\"}=b10,b8;{app=\"a\"}=a9;", Render(r));
        Assert.Equal(4, r.Statistics.TotalEntriesReturned);
    }

    [Fact]
    public void Forward_ReturnsOldestLimitEntries_StreamsSortedAscending()
    {
        var r = Run("{app=~\"a|b|c\"}", 4, QueryDirection.Forward, sources: ThreeStreams());
        Assert.Equal("{app=\"a\"}=a1,a3;{app=\"b\"}=b2;{app=\"c\", env=\"x\"}=c3;", Render(r));
    }

    [Fact]
    public void LimitLargerThanData_ReturnsEverything()
    {
        var r = Run("{app=~\"a|b\"}", 1000, QueryDirection.Forward, sources: ThreeStreams());
        Assert.Equal("{app=\"a\"}=a1,a3,a5,a7,a9;{app=\"b\"}=b2,b4,b6,b8,b10;", Render(r));
        Assert.Equal(10, r.Statistics.TotalLinesProcessed);
    }

    [Fact]
    public void TimeRange_StartIsInclusive_EndIsExclusive()
    {
        var r = Run("{app=~\"a|b\"}", 100, QueryDirection.Forward, start: 3, end: 6, sources: ThreeStreams());
        Assert.Equal("{app=\"a\"}=a3,a5;{app=\"b\"}=b4;", Render(r));
    }

    [Fact]
    public void LineFilters_ApplyBeforeTheLimit()
    {
        var r = Run("{app=~\"a|b\"} |~ \"[ab][1-3]$\"", 2, QueryDirection.Backward, sources: ThreeStreams());
        Assert.Equal("{app=\"b\"}=b2;{app=\"a\"}=a3;", Render(r));
        Assert.True(r.Statistics.TotalPostFilterLines >= 2);
    }

    [Fact]
    public void StreamSelector_OnlyReadsMatchingStreams_AndTenant()
    {
        var s = ThreeStreams();
        s.Append(TenantId.Create("other"), A, 5, "other tenant");
        var r = Run("{app=\"a\"}", 100, QueryDirection.Forward, sources: s);
        Assert.Equal("{app=\"a\"}=a1,a3,a5,a7,a9;", Render(r));
    }

    [Fact]
    public void TwoSources_OverlappingDuplicates_AreReturnedOnce()
    {
        // The head and a freshly flushed block hold the same entries for t=3..6.
        var head = new InMemoryLogSource(batchSize: 3);
        var block = new InMemoryLogSource(batchSize: 2);
        for (var t = 1; t <= 6; t++)
        {
            block.Append(Tenant, A, t, $"a{t}");
        }
        for (var t = 3; t <= 8; t++)
        {
            head.Append(Tenant, A, t, $"a{t}");
        }
        // Same timestamp, different line: not a duplicate.
        head.Append(Tenant, A, 4, "a4-other");
        var r = Run("{app=\"a\"}", 100, QueryDirection.Forward, sources: [block, head]);
        Assert.Equal("{app=\"a\"}=a1,a2,a3,a4,a4-other,a5,a6,a7,a8;", Render(r));
        Assert.Equal(4, r.Statistics.TotalDuplicates);
        Assert.Equal(9, r.Statistics.TotalEntriesReturned);
    }

    [Fact]
    public void TwoSources_DuplicatesDoNotCountTowardTheLimit()
    {
        var one = new InMemoryLogSource();
        var two = new InMemoryLogSource();
        for (var t = 1; t <= 5; t++)
        {
            one.Append(Tenant, A, t, $"a{t}");
            two.Append(Tenant, A, t, $"a{t}");
        }
        var r = Run("{app=\"a\"}", 3, QueryDirection.Backward, sources: [one, two]);
        Assert.Equal("{app=\"a\"}=a5,a4,a3;", Render(r));
    }

    [Fact]
    public void EqualTimestamps_AcrossStreams_AreOrderedByFingerprint()
    {
        var s = new InMemoryLogSource();
        s.Append(Tenant, A, 7, "a");
        s.Append(Tenant, B, 7, "b");
        var first = A.Fingerprint < B.Fingerprint ? "{app=\"a\"}" : "{app=\"b\"}";
        var r = Run("{app=~\"a|b\"}", 1, QueryDirection.Backward, sources: s);
        Assert.Equal(first, r.Streams[0].Labels.ToString());
    }

    [Fact]
    public void ZeroLimit_ReturnsNothing() =>
        Assert.Empty(Run("{app=\"a\"}", 0, QueryDirection.Backward, sources: ThreeStreams()).Streams);

    [Fact]
    public void EarlyTermination_StopsReadingOnceLimitIsReached()
    {
        var s = new InMemoryLogSource(batchSize: 10);
        for (var t = 0; t < 10_000; t++)
        {
            s.Append(Tenant, A, t, "line");
        }
        var r = Run("{app=\"a\"}", 5, QueryDirection.Backward, end: 1_000_000, sources: s);
        Assert.Equal(5, r.Statistics.TotalEntriesReturned);
        Assert.True(r.Statistics.TotalLinesProcessed <= 10, $"read {r.Statistics.TotalLinesProcessed} lines");
        Assert.Equal(9999, r.Streams[0].Entries[0].TimestampNanos);
    }

    [Fact]
    public void StructuredMetadata_WithoutCategorize_BecomesStreamLabels_WithExtractedSuffixOnClash()
    {
        var s = new InMemoryLogSource();
        s.Append(Tenant, A, 1, "one", new LabelPair("trace_id", "t1"));
        s.Append(Tenant, A, 2, "two", new LabelPair("app", "clash"));
        s.Append(Tenant, A, 3, "three");
        var r = Run("{app=\"a\"}", 10, QueryDirection.Forward, sources: s);
        Assert.Equal(
            "{app=\"a\", app_extracted=\"clash\"}=two;{app=\"a\", trace_id=\"t1\"}=one;{app=\"a\"}=three;",
            Render(r));
    }

    [Fact]
    public void StructuredMetadata_WithCategorize_StaysOnEntries()
    {
        var s = new InMemoryLogSource();
        s.Append(Tenant, A, 1, "one", new LabelPair("trace_id", "t1"));
        s.Append(Tenant, A, 2, "two");
        var r = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=\"a\"}", StartNanos = 0, EndNanos = 10, Direction = QueryDirection.Forward, CategorizeLabels = true },
            [s],
            CancellationToken.None);
        var stream = Assert.Single(r.Streams);
        Assert.Equal("trace_id", stream.Entries[0].StructuredMetadata.Span[0].Name);
        Assert.True(stream.Entries[1].StructuredMetadata.IsEmpty);
        Assert.Equal(10, r.Statistics.TotalStructuredMetadataBytesProcessed);
    }

    [Fact]
    public void Cancellation_IsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=\"a\"}", StartNanos = 0, EndNanos = 100 },
            [ThreeStreams()],
            cts.Token));
    }

    [Fact]
    public void Timeout_IsReportedAsTimeoutException()
    {
        var slow = new SlowSource();
        Assert.Throws<TimeoutException>(() => new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=\"a\"}", StartNanos = 0, EndNanos = long.MaxValue, Limit = int.MaxValue, Timeout = TimeSpan.FromMilliseconds(50) },
            [slow],
            CancellationToken.None));
    }

    [Fact]
    public void InvalidQuery_ThrowsParseError() =>
        Assert.Throws<Loggia.Query.LogQL.Syntax.LogQLParseException>(() => Run("{app=~\".*\"}", 10, QueryDirection.Backward, sources: ThreeStreams()));

    /// <summary>An endless stream of lines, so only the deadline can end the query.</summary>
    private sealed class SlowSource : ILogSource
    {
        public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken) => [new Endless()];

        private sealed class Endless : IStreamCursor
        {
            private readonly LogEntry[] _batch = new LogEntry[1024];
            private long _t;

            public Labels Labels => A;

            public bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch)
            {
                for (var i = 0; i < _batch.Length; i++)
                {
                    _batch[i] = new LogEntry(++_t, "x"u8.ToArray());
                }
                batch = _batch;
                return true;
            }

            public void Dispose()
            {
            }
        }
    }
}
