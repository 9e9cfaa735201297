using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.LogQL.Syntax;
using static Loggia.Query.Tests.Execution.Metrics.MetricTestData;

namespace Loggia.Query.Tests.Execution.Metrics;

/// <summary>
/// Vector aggregations, binary operators, label_replace and result types as Loki defines them. Instant queries at
/// 15 s over [5s] see the prod streams a/1 = 5, a/2 = 3, b/1 = 2.
/// </summary>
public class VectorAndBinaryTests
{
    private const string Prod = "count_over_time({env=\"prod\"}[5s])";

    [Theory]
    [InlineData("sum by (app) (" + Prod + ")", "{app=\"a\"} 15:8 | {app=\"b\"} 15:2")]
    [InlineData("sum(" + Prod + ")", "{} 15:10")]
    [InlineData("sum without (pod) (" + Prod + ")", "{app=\"a\", env=\"prod\"} 15:8 | {app=\"b\", env=\"prod\"} 15:2")]
    [InlineData("avg by (app) (" + Prod + ")", "{app=\"a\"} 15:4 | {app=\"b\"} 15:2")]
    [InlineData("min by (app) (" + Prod + ")", "{app=\"a\"} 15:3 | {app=\"b\"} 15:2")]
    [InlineData("max by (app) (" + Prod + ")", "{app=\"a\"} 15:5 | {app=\"b\"} 15:2")]
    [InlineData("count by (app) (" + Prod + ")", "{app=\"a\"} 15:2 | {app=\"b\"} 15:1")]
    [InlineData("stdvar by (app) (" + Prod + ")", "{app=\"a\"} 15:1 | {app=\"b\"} 15:0")]
    [InlineData("stddev by (app) (" + Prod + ")", "{app=\"a\"} 15:1 | {app=\"b\"} 15:0")]
    [InlineData("topk(1, " + Prod + ")", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5")]
    [InlineData("topk(2, " + Prod + ")", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:3")]
    [InlineData("bottomk(1, " + Prod + ")", "{app=\"b\", env=\"prod\", pod=\"1\"} 15:2")]
    [InlineData("topk(1, " + Prod + ") by (app)", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:2")]
    // sort/sort_desc order an instant vector by value instead of labels.
    [InlineData("sort(" + Prod + ")", "{app=\"b\", env=\"prod\", pod=\"1\"} 15:2 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:3 | {app=\"a\", env=\"prod\", pod=\"1\"} 15:5")]
    [InlineData("sort_desc(" + Prod + ")", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:3 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:2")]
    public void VectorAggregations(string query, string expected) =>
        Assert.Equal(expected, Format(Instant(query, Build())));

    [Theory]
    // Comparisons filter and keep the vector's value; with bool they return 0/1.
    [InlineData(Prod + " > 2", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:3")]
    [InlineData(Prod + " > bool 2", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:1 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:1 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:0")]
    [InlineData("3 < " + Prod, "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5")]
    [InlineData("2 * " + Prod, "{app=\"a\", env=\"prod\", pod=\"1\"} 15:10 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:6 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:4")]
    [InlineData("10 - " + Prod, "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:7 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:8")]
    [InlineData(Prod + " % 2", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:1 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:1 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:0")]
    [InlineData(Prod + " ^ 2", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:25 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:9 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:4")]
    [InlineData("sum(" + Prod + ") / 0", "{} 15:NaN")]
    // One-to-one matching on all labels.
    [InlineData("sum by (app) (" + Prod + ") + sum by (app) (" + Prod + ")", "{app=\"a\"} 15:16 | {app=\"b\"} 15:4")]
    // Many-to-one with group_left keeps the "many" side's labels.
    [InlineData(Prod + " / on (app) group_left sum by (app) (" + Prod + ")", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:0.625 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:0.375 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:1")]
    [InlineData("sum by (app) (" + Prod + ") / on (app) group_right " + Prod, "{app=\"a\", env=\"prod\", pod=\"1\"} 15:1.6 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:2.6666666666666665 | {app=\"b\", env=\"prod\", pod=\"1\"} 15:1")]
    // group_left(pod) copies pod from the "one" side.
    [InlineData("sum by (app) (" + Prod + ") * on (app) group_left (pod) count_over_time({app=\"b\"}[5s])", "{app=\"b\", pod=\"1\"} 15:4")]
    // ignoring drops labels from the match and from a one-to-one result.
    [InlineData("sum by (app, pod) (count_over_time({app=\"b\"}[5s])) - ignoring (pod) sum by (app) (" + Prod + ")", "{app=\"b\"} 15:0")]
    [InlineData(Prod + " and on (app) count_over_time({app=\"b\"}[5s])", "{app=\"b\", env=\"prod\", pod=\"1\"} 15:2")]
    [InlineData(Prod + " unless on (app) count_over_time({app=\"b\"}[5s])", "{app=\"a\", env=\"prod\", pod=\"1\"} 15:5 | {app=\"a\", env=\"prod\", pod=\"2\"} 15:3")]
    [InlineData("sum by (app) (count_over_time({app=\"a\"}[5s])) or sum by (app) (" + Prod + ")", "{app=\"a\"} 15:8 | {app=\"b\"} 15:2")]
    [InlineData("label_replace(sum by (app) (" + Prod + "), \"dst\", \"x-$1\", \"app\", \"(.*)\")", "{app=\"a\", dst=\"x-a\"} 15:8 | {app=\"b\", dst=\"x-b\"} 15:2")]
    [InlineData("label_replace(sum by (app) (" + Prod + "), \"dst\", \"$1\", \"app\", \"z(.*)\")", "{app=\"a\"} 15:8 | {app=\"b\"} 15:2")]
    public void BinaryOperators(string query, string expected) =>
        Assert.Equal(expected, Format(Instant(query, Build())));

    [Theory]
    [InlineData(Prod + " / on (app) sum by (app) (" + Prod + ")", "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")]
    [InlineData("sum by (app) (" + Prod + ") / on (app) " + Prod, "found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side")]
    [InlineData(Prod + " / on (app) group_left " + Prod, "found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side")]
    public void AmbiguousMatches_FailWithLokisMessage(string query, string message)
    {
        var e = Assert.Throws<MetricQueryException>(() => Instant(query, Build()));
        Assert.Equal(message, e.Message);
        Assert.Equal(500, e.StatusCode);
    }

    [Fact]
    public void NumberLiteral_IsAScalarForAnInstantQuery()
    {
        var result = Instant("1 + 1", Build());
        Assert.Equal(MetricResultType.Scalar, result.ResultType);
        Assert.Equal(new MetricPoint(15_000, 2), result.Series[0].Points[0]);
    }

    [Fact]
    public void NumberLiteral_IsAMatrixOfEveryStepForARangeQuery()
    {
        var result = Range("2", Build());
        Assert.Equal(MetricResultType.Matrix, result.ResultType);
        Assert.Equal("{} 10:2 15:2 20:2", Format(result));
    }

    [Fact]
    public void Vector_IsALabelLessVector() =>
        Assert.Equal("{} 15:3", Format(Instant("vector(3)", Build())));

    [Fact]
    public void OrVector_FillsStepsWithoutData() =>
        Assert.Equal("{} 10:0 15:2 20:0", Format(Range("sum(count_over_time({app=\"b\"}[5s])) or vector(0)", Build())));

    [Fact]
    public void RangeQuery_MatrixIsSortedByLabels_AndOmitsStepsWithoutValues() =>
        // a/1 has lines at 11..15 s, a/2 at 11..13 s, b/1 at 11..12 s: nothing in (15,20] and (5,10].
        Assert.Equal(
            "{app=\"a\"} 15:1.6 | {app=\"b\"} 15:0.4",
            Format(Range("sum by (app) (rate({env=\"prod\"}[5s]))", Build())));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaxQuerySeries_FailsWithLokisMessage(bool instant)
    {
        var e = Assert.Throws<MetricQueryException>(() => instant ? Instant(Prod, Build(), maxSeries: 2) : Range(Prod, Build(), maxSeries: 2));
        Assert.Equal("maximum of series (2) reached for a single query", e.Message);
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public async Task Timeout_ThrowsTimeoutException()
    {
        var request = new MetricQueryRequest
        {
            Tenant = Tenant,
            Expression = LogQLParser.ParseSampleExpr(Prod),
            StartNanos = 15 * Second,
            EndNanos = 15 * Second,
            IsInstant = true,
            Timeout = TimeSpan.FromMilliseconds(50),
        };
        var source = Build();
        await Assert.ThrowsAsync<TimeoutException>(() => new MetricQueryEngine().ExecuteAsync(
            request,
            async (_, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return [source];
            },
            CancellationToken.None));
    }

    [Fact]
    public async Task ClientCancellation_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var request = new MetricQueryRequest
        {
            Tenant = Tenant,
            Expression = LogQLParser.ParseSampleExpr(Prod),
            StartNanos = 15 * Second,
            EndNanos = 15 * Second,
            IsInstant = true,
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MetricQueryEngine().ExecuteAsync(
            request, (_, _) => ValueTask.FromResult<IReadOnlyList<ILogSource>>([Build()]), cancelled.Token));
    }

    [Fact]
    public async Task Sources_ReceiveLokisTimeRange()
    {
        MetricSourceRequest? seen = null;
        var request = new MetricQueryRequest
        {
            Tenant = Tenant,
            Expression = LogQLParser.ParseSampleExpr("rate({app=\"api\"} |= \"x\" [5s] offset 2s)"),
            StartNanos = 10 * Second,
            EndNanos = 20 * Second,
            StepNanos = 5 * Second,
        };
        await new MetricQueryEngine().ExecuteAsync(request, (r, _) =>
        {
            seen = r;
            return ValueTask.FromResult<IReadOnlyList<ILogSource>>([]);
        }, CancellationToken.None);
        // [start − range − offset, end − offset] with the end included (exclusive bound one nanosecond later).
        Assert.Equal(3 * Second, seen!.Scan.StartNanos);
        Assert.Equal((18 * Second) + 1, seen.Scan.EndNanos);
        Assert.False(seen.LineFilters.IsNoop);
    }

    [Fact]
    public void AbsentLabels_KeepOnlyUniqueEqualityMatchers() =>
        Assert.Equal(
            Labels.Parse("{a=\"1\"}"),
            RangeAggregationEvaluator.AbsentLabels((LogSelectorExpr)LogQLParser.Parse("{a=\"1\", b=~\"x\", c=\"2\", c=\"3\"}")));
}
