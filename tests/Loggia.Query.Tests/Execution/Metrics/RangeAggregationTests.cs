using Loggia.Query.Execution.Metrics;
using static Loggia.Query.Tests.Execution.Metrics.MetricTestData;

namespace Loggia.Query.Tests.Execution.Metrics;

/// <summary>
/// Range aggregations against hand-computed results. Windows are Loki's <c>(t − range, t]</c>: a line exactly at a
/// step time counts for that step and not the next.
/// </summary>
public class RangeAggregationTests
{
    [Theory]
    // Windows (5,10] (10,15] (15,20] over api lines at 6,8,10 | 12,15 | 16,20 (21 is past the end).
    [InlineData("count_over_time({app=\"api\"}[5s])", "{app=\"api\"} 10:3 15:2 20:2")]
    [InlineData("rate({app=\"api\"}[5s])", "{app=\"api\"} 10:0.6 15:0.4 20:0.4")]
    [InlineData("bytes_over_time({app=\"api\"}[5s])", "{app=\"api\"} 10:6 15:9 20:3")]
    [InlineData("bytes_rate({app=\"api\"}[5s])", "{app=\"api\"} 10:1.2 15:1.8 20:0.6")]
    // A range longer than the step: each line counts for every step whose window holds it.
    // (0,10] (5,15] (10,20]
    [InlineData("count_over_time({app=\"api\"}[10s])", "{app=\"api\"} 10:3 15:5 20:4")]
    // offset shifts every window back: step 15 reads (5,10], step 20 reads (10,15]; step 10 reads (0,5] (empty).
    [InlineData("count_over_time({app=\"api\"}[5s] offset 5s)", "{app=\"api\"} 15:3 20:2")]
    // Line filters run before counting.
    [InlineData("count_over_time({app=\"api\"} |= \"e\" [5s])", "{app=\"api\"} 15:1")]
    [InlineData("count_over_time({app=\"nope\"}[5s])", "")]
    public void LineCounts_FollowLokisWindows(string query, string expected) =>
        Assert.Equal(expected, Format(Range(query, Build())));

    [Theory]
    // svc latencies 10,20,30,40 in (10,15] and 5 in (15,20]; the unwrapped label leaves the series labels.
    [InlineData("sum_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:100 20:5")]
    [InlineData("avg_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:25 20:5")]
    [InlineData("min_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:10 20:5")]
    [InlineData("max_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:40 20:5")]
    [InlineData("first_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:10 20:5")]
    [InlineData("last_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:40 20:5")]
    [InlineData("stdvar_over_time({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:125 20:0")]
    [InlineData("quantile_over_time(0.5, {app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:25 20:5")]
    [InlineData("rate({app=\"svc\"} | unwrap latency [5s])", "{app=\"svc\"} 15:20 20:1")]
    // Post-unwrap label filters drop samples.
    [InlineData("sum_over_time({app=\"svc\"} | unwrap latency | latency > 15 [5s])", "{app=\"svc\"} 15:90")]
    // `by` keeps only its labels; `without` drops them (and the unwrapped label).
    [InlineData("max_over_time({app=\"svc\"} | unwrap latency [5s]) by (app)", "{app=\"svc\"} 15:40 20:5")]
    [InlineData("max_over_time({app=\"svc\"} | unwrap latency [5s]) by (nothing)", "{} 15:40 20:5")]
    [InlineData("max_over_time({app=\"svc\"} | unwrap latency [5s]) without (app)", "{} 15:40 20:5")]
    public void Unwrap_AggregatesValues(string query, string expected) =>
        Assert.Equal(expected, Format(Range(query, Build())));

    [Fact]
    public void StddevOverTime_IsTheSquareRootOfThePopulationVariance()
    {
        var result = Range("stddev_over_time({app=\"svc\"} | unwrap latency [5s])", Build());
        Assert.Equal(Math.Sqrt(125), result.Series[0].Points[0].Value, 12);
    }

    [Fact]
    public void QuantileOverTime_InterpolatesBetweenRanks()
    {
        // rank 0.99 × 3 = 2.97: 30 × 0.03 + 40 × 0.97.
        var result = Range("quantile_over_time(0.99, {app=\"svc\"} | unwrap latency [5s])", Build());
        Assert.Equal(39.7, result.Series[0].Points[0].Value, 9);
    }

    [Fact]
    public void RateCounter_ExtrapolatesAsLokiDoes()
    {
        // 10→40 over 11..14 s: increase 30; Loki extrapolates by its range (5 s) against a sampled interval it measures
        // in microseconds (3e6), then divides by the range: 30 × (3e6 + 5) / 3e6 / 5.
        var result = Range("rate_counter({app=\"svc\"} | unwrap latency [5s])", Build());
        Assert.Equal(6.00001, result.Series[0].Points[0].Value, 9);
        Assert.Equal(0, result.Series[0].Points[1].Value); // a single sample has no rate
    }

    [Theory]
    [InlineData("bytes(size)", "1KB", 1000)]
    [InlineData("bytes(size)", "2KiB", 2048)]
    [InlineData("duration(size)", "250ms", 0.25)]
    [InlineData("duration_seconds(size)", "1m30s", 90)]
    [InlineData("size", "1.5e3", 1500)]
    public void UnwrapConversions_ParseLikeGo(string unwrap, string value, double expected)
    {
        var source = Build(s => s.Append(Tenant, Core.Model.Labels.Parse("{app=\"conv\"}"), 12 * Second, "x", new Core.Model.LabelPair("size", value)));
        var result = Range($"sum_over_time({{app=\"conv\"}} | unwrap {unwrap} [5s])", source);
        Assert.Equal(expected, result.Series[0].Points[0].Value);
    }

    [Fact]
    public void ConversionError_FailsTheQueryWithLokisPipelineError()
    {
        var source = Build(s => s.Append(Tenant, Core.Model.Labels.Parse("{app=\"svc\"}"), 13 * Second, "x", new Core.Model.LabelPair("latency", "abc")));
        var e = Assert.Throws<MetricQueryException>(() => Range("sum_over_time({app=\"svc\"} | unwrap latency [5s])", source));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal(
            "pipeline error: 'SampleExtractionErr' for series: '{__error__=\"SampleExtractionErr\", __error_details__=\"strconv.ParseFloat: parsing \\\"abc\\\": invalid syntax\", app=\"svc\", latency=\"abc\"}'.\n"
            + "Use a label filter to intentionally skip this error. (e.g | __error__!=\"SampleExtractionErr\").\n"
            + "To skip all potential errors you can match empty errors.(e.g __error__=\"\")\n"
            + "The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n",
            e.Message);
    }

    [Fact]
    public void ConversionError_FilteredAfterUnwrap_IsDropped()
    {
        var source = Build(s => s.Append(Tenant, Core.Model.Labels.Parse("{app=\"svc\"}"), 13 * Second, "x", new Core.Model.LabelPair("latency", "abc")));
        Assert.Equal("{app=\"svc\"} 15:100 20:5", Format(Range("sum_over_time({app=\"svc\"} | unwrap latency | __error__=\"\" [5s])", source)));
    }

    [Fact]
    public void EntriesWithoutTheUnwrappedLabel_AreSkipped() =>
        Assert.Equal("", Format(Range("sum_over_time({app=\"api\"} | unwrap latency [5s])", Build())));

    [Theory]
    [InlineData("absent_over_time({app=\"nope\", env=~\"x.*\"}[5s])", "{app=\"nope\"} 10:1 15:1 20:1")]
    // svc has samples in (10,15] and (15,20] only.
    [InlineData("absent_over_time({app=\"svc\"}[5s])", "{app=\"svc\"} 10:1")]
    public void AbsentOverTime_IsOneWhereNothingMatches(string query, string expected) =>
        Assert.Equal(expected, Format(Range(query, Build())));

    [Fact]
    public void InstantQuery_EvaluatesOneWindowEndingAtTheTime()
    {
        // (5,15]: 6, 8, 10, 12, 15.
        var result = Instant("count_over_time({app=\"api\"}[10s])", Build());
        Assert.Equal(MetricResultType.Vector, result.ResultType);
        Assert.Equal("{app=\"api\"} 15:5", Format(result));
    }

    [Fact]
    public void StructuredMetadata_SplitsSeries_AsInLoki() =>
        Assert.Equal(
            "{app=\"svc\", latency=\"10\"} 15:1 | {app=\"svc\", latency=\"20\"} 15:1 | {app=\"svc\", latency=\"30\"} 15:1 | {app=\"svc\", latency=\"40\"} 15:1 | {app=\"svc\", latency=\"5\"} 20:1",
            Format(Range("count_over_time({app=\"svc\"}[5s])", Build())));

    [Fact]
    public void Statistics_CountLinesReadInTheScannedRange()
    {
        var result = Range("count_over_time({app=\"api\"}[5s])", Build());
        // The scan reads [start − range, end]: 6..20 s, seven lines of 1+2+3+4+5+1+2 bytes.
        Assert.Equal(7, result.Statistics.TotalLinesProcessed);
        Assert.Equal(18, result.Statistics.TotalBytesProcessed);
        Assert.Equal(3, result.Statistics.TotalEntriesReturned); // points returned
    }
}
