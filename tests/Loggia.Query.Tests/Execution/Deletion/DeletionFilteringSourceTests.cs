using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Deletion;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution.Deletion;

/// <summary>Query-time filtering of delete requests: exactly the covered streams, times (inclusive, ms) and lines vanish.</summary>
public sealed class DeletionFilteringSourceTests
{
    private static readonly TenantId Tenant = TenantId.Fake;
    private static readonly Labels Api = Labels.Parse("{app=\"api\", env=\"prod\"}");
    private static readonly Labels Web = Labels.Parse("{app=\"web\"}");
    private const long Ms = 1_000_000;

    private static InMemoryLogSource Source()
    {
        // Batches of 2, so some batches lose every entry and the cursor must read on.
        var s = new InMemoryLogSource(batchSize: 2);
        for (var t = 1; t <= 10; t++)
        {
            s.Append(Tenant, Api, t * Ms, t % 2 == 0 ? $"secret {t}" : $"plain {t}");
            s.Append(Tenant, Web, t * Ms, $"secret web {t}");
        }
        s.Append(Tenant, Api, 11 * Ms, "level=error user=bob", new LabelPair("trace_id", "abc"));
        s.Append(Tenant, Api, 12 * Ms, "level=info user=bob", new LabelPair("trace_id", "abc"));
        return s;
    }

    private static Dictionary<string, string[]> Read(DeletionFilteringSource source)
    {
        var result = new Dictionary<string, string[]>();
        var request = new LogScanRequest(Tenant, StreamMatcher.All, 0, 100 * Ms, QueryDirection.Forward);
        foreach (var cursor in source.OpenStreams(request, CancellationToken.None))
        {
            var lines = new List<string>();
            while (cursor.TryReadBatch(out var batch))
            {
                Assert.False(batch.IsEmpty);
                foreach (var entry in batch.Span)
                {
                    lines.Add(Encoding.UTF8.GetString(entry.Line.Span));
                }
            }
            cursor.Dispose();
            result[cursor.Labels.ToString()] = [.. lines];
        }
        return result;
    }

    private static DeletionFilter Filter(params (string Query, long StartMs, long EndMs)[] requests) =>
        new([.. requests.Select(r => DeletionRule.Compile(r.Query, r.StartMs, r.EndMs))]);

    [Fact]
    public void LineFilter_DeletesOnlyMatchingLinesOfCoveredStreams_WithinTheInclusiveRange()
    {
        var read = Read(new DeletionFilteringSource(Source(), Filter(("{app=\"api\"} |= \"secret\"", 4, 8))));

        Assert.Equal(["plain 1", "secret 2", "plain 3", "plain 5", "plain 7", "plain 9", "secret 10", "level=error user=bob", "level=info user=bob"], read[Api.ToString()]);
        Assert.Equal(10, read[Web.ToString()].Length);
    }

    [Fact]
    public void SelectorOnly_DeletesTheWholeRange()
    {
        var read = Read(new DeletionFilteringSource(Source(), Filter(("{env=\"prod\"}", 1, 12))));

        Assert.Empty(read[Api.ToString()]);
        Assert.Equal(10, read[Web.ToString()].Length);
    }

    [Fact]
    public void FullPipeline_ParsersLabelFiltersAndMetadata_DecideWhatGoes()
    {
        var read = Read(new DeletionFilteringSource(Source(), Filter(
            ("{app=\"api\"} | logfmt | level=\"error\" | trace_id=\"abc\"", 0, 100),
            ("{app=\"web\"} |~ \"web (3|4)$\"", 0, 100))));

        Assert.DoesNotContain("level=error user=bob", read[Api.ToString()]);
        Assert.Contains("level=info user=bob", read[Api.ToString()]);
        Assert.Equal(8, read[Web.ToString()].Length);
        Assert.DoesNotContain("secret web 3", read[Web.ToString()]);
    }

    [Fact]
    public void RequestOutsideTheStreamsTime_LeavesCursorsUnwrapped()
    {
        var filter = Filter(("{app=\"api\"}", 1000, 2000));

        Assert.Null(filter.ForStream(Api, 1 * Ms, 12 * Ms));
        Assert.NotNull(filter.ForStream(Api, 1 * Ms, 1500 * Ms));
        Assert.Null(filter.ForStream(Web, 1 * Ms, 1500 * Ms));
    }

    [Fact]
    public void InvalidDeletionQueries_AreRejectedWhenCompiled()
    {
        Assert.Throws<LogQLParseException>(() => DeletionRule.Compile("{app=\"api\"", 0, 1));
        Assert.Throws<LogQLParseException>(() => DeletionRule.Compile("{app=~\".*\"}", 0, 1));
        Assert.Throws<LogQLParseException>(() => DeletionRule.Compile("count_over_time({app=\"api\"}[1m])", 0, 1));
    }
}
