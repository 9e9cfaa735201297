using Loggia.Core.Model;
using Loggia.Query.Execution;
using static Loggia.Query.Tests.Execution.Metrics.MetricTestData;

namespace Loggia.Query.Tests.Execution.Metrics;

/// <summary>
/// A sum's grouping is pushed into the counting range aggregation below it (Loki's canInjectVectorGrouping): the
/// series are built from the grouping labels, with the same numbers as summing per-entry series.
/// </summary>
public class GroupingPushdownTests
{
    private const long Second = 1_000_000_000L;

    /// <summary>JSON lines whose labels differ on every line (a request id), with three levels and a latency.</summary>
    private static InMemoryLogSource JsonLines()
    {
        var s = new InMemoryLogSource(batchSize: 3);
        var stream = Labels.Parse("{app=\"web\"}");
        string[] levels = ["info", "warn", "info", "error", "info", "warn"];
        for (var t = 11; t <= 20; t++)
        {
            var level = levels[t % levels.Length];
            // t=17 has no level at all: it forms the series without the label.
            var levelField = t == 17 ? "" : $"\"level\":\"{level}\",";
            s.Append(Tenant, stream, t * Second, $"{{{levelField}\"id\":\"req-{t}\",\"ms\":{t * 10}}}");
        }
        // Broken JSON in another stream: the pipeline error must still fail the query.
        s.Append(Tenant, Labels.Parse("{app=\"broken\"}"), 12 * Second, "{not json");
        return s;
    }

    [Theory]
    // Levels by second (window (10,15] | window (15,20]): 11 warn, 12 info, 13 warn, 14 info, 15 error |
    // 16 info, 17 none, 18 info, 19 warn, 20 info.
    [InlineData("sum by (level) (count_over_time({app=\"web\"} | json [5s]))", "{} 20:1 | {level=\"error\"} 15:1 | {level=\"info\"} 15:2 20:3 | {level=\"warn\"} 15:2 20:1")]
    [InlineData("sum by (level) (rate({app=\"web\"} | json [5s]))", "{} 20:0.2 | {level=\"error\"} 15:0.2 | {level=\"info\"} 15:0.4 20:0.6 | {level=\"warn\"} 15:0.4 20:0.2")]
    [InlineData("sum without (id, ms) (count_over_time({app=\"web\"} | json [5s]))", "{app=\"web\"} 20:1 | {app=\"web\", level=\"error\"} 15:1 | {app=\"web\", level=\"info\"} 15:2 20:3 | {app=\"web\", level=\"warn\"} 15:2 20:1")]
    // ms is ten times the second: error 150 | info 120+140, 160+180+200 | warn 110+130, 190 | none 170.
    [InlineData("sum by (level) (sum_over_time({app=\"web\"} | json | unwrap ms [5s]))", "{} 20:170 | {level=\"error\"} 15:150 | {level=\"info\"} 15:260 20:540 | {level=\"warn\"} 15:240 20:190")]
    public void SumOverCountingAggregations_GroupsWithoutPerLineSeries(string query, string expected) =>
        Assert.Equal(expected, Format(Range(query, JsonLines(), start: 15, end: 20)));

    [Fact]
    public void PushedDownGrouping_GivesTheSameNumbersAsGroupingAfterwards()
    {
        // The pushed-down `sum by` and a plain count whose labels are reduced to the level by the pipeline itself
        // (no pushdown involved) must give the same series and numbers.
        var pushed = Format(Range("sum by (level) (count_over_time({app=\"web\"} | json | level=\"info\" [5s]))", JsonLines(), start: 15, end: 20));
        var direct = Format(Range("count_over_time({app=\"web\"} | json | level=\"info\" | drop id, ms, app [5s])", JsonLines(), start: 15, end: 20));
        Assert.Equal("{level=\"info\"} 15:2 20:3", pushed);
        Assert.Equal(pushed, direct);
    }

    [Fact]
    public void PipelineErrors_StillFailTheQuery_WhenGroupingIsPushedDown()
    {
        var e = Assert.ThrowsAny<Exception>(() => Range("sum by (level) (count_over_time({app=~\"web|broken\"} | json [5s]))", JsonLines(), start: 15, end: 20));
        Assert.Contains("pipeline error", e.Message, StringComparison.Ordinal);
        Assert.Contains("JSONParserErr", e.Message, StringComparison.Ordinal);
    }
}
