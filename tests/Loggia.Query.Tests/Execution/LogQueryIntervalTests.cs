using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Tests.Execution;

/// <summary>Loki's <c>interval</c> for log range queries: entries closer than the interval to the last returned one are skipped.</summary>
public class LogQueryIntervalTests
{
    private static readonly TenantId Tenant = TenantId.Fake;

    private static InMemoryLogSource Source()
    {
        var s = new InMemoryLogSource(batchSize: 2);
        // Two streams interleaved, one entry per time unit 0..20.
        for (var t = 0; t <= 20; t++)
        {
            s.Append(Tenant, Labels.Parse(t % 2 == 0 ? "{app=\"even\"}" : "{app=\"odd\"}"), t, $"t{t}");
        }
        return s;
    }

    private static string Run(long interval, QueryDirection direction, int limit = 100)
    {
        var result = new LogQueryEngine().Execute(
            new LogQueryRequest { Tenant = Tenant, Query = "{app=~\"even|odd\"}", StartNanos = 0, EndNanos = 21, Limit = limit, Direction = direction, IntervalNanos = interval },
            [Source()],
            CancellationToken.None);
        var times = result.Streams.SelectMany(s => s.Entries).Select(e => e.TimestampNanos).Order();
        return string.Join(",", times);
    }

    [Theory]
    [InlineData(0, QueryDirection.Forward, "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20")]
    // Forward: the first entry, then the first at or after last + interval, across streams.
    [InlineData(5, QueryDirection.Forward, "0,5,10,15,20")]
    [InlineData(3, QueryDirection.Forward, "0,3,6,9,12,15,18")]
    // Backward starts from the newest entry and steps back.
    [InlineData(3, QueryDirection.Backward, "2,5,8,11,14,17,20")]
    public void Interval_KeepsEntriesAtLeastThatFarApart(long interval, QueryDirection direction, string expected) =>
        Assert.Equal(expected, Run(interval, direction));

    [Fact]
    public void SkippedEntries_DoNotCountTowardTheLimit() =>
        Assert.Equal("0,5,10", Run(5, QueryDirection.Forward, limit: 3));
}
