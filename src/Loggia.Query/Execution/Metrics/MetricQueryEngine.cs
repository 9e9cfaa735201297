using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Executes LogQL metric queries with Loki's semantics. Every node evaluates over the whole step grid at once
/// (<see cref="StepSeries"/>: a value and a presence flag per step), leaves first: each range aggregation scans its
/// sources once and streams entries into per-step state, then vector aggregations, binary operators and
/// <c>label_replace</c> combine those per step. A range query returns a matrix (series sorted by labels, steps without
/// a value omitted); an instant query a vector (sorted by labels, or by value under <c>sort</c>/<c>sort_desc</c>), or
/// a scalar for a bare number.
/// </summary>
public sealed class MetricQueryEngine
{
    private readonly TimeProvider _time;

    /// <summary>Creates an engine.</summary>
    /// <param name="timeProvider">Clock for execution time and deadlines; the system clock by default.</param>
    public MetricQueryEngine(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Runs <paramref name="request"/>, opening sources through <paramref name="sources"/>. Throws
    /// <see cref="MetricQueryException"/> for Loki's query errors (pipeline errors, series limit, matching conflicts),
    /// <see cref="LogQLParseException"/> or <see cref="NotSupportedException"/> from the pipeline,
    /// <see cref="TimeoutException"/> when <see cref="MetricQueryRequest.Timeout"/> expires and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<MetricQueryResult> ExecuteAsync(MetricQueryRequest request, MetricSourceProvider sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sources);
        var started = _time.GetTimestamp();
        using var deadline = request.Timeout is { } timeout ? new CancellationTokenSource(timeout, _time) : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked?.Token ?? cancellationToken;
        var totals = new ScanTotals();
        try
        {
            var (type, series) = await RunAsync(request, sources, totals, token).ConfigureAwait(false);
            long returned = 0;
            if (type != MetricResultType.Scalar)
            {
                foreach (var s in series)
                {
                    returned += s.Points.Count;
                }
            }
            var stats = new QueryStatistics
            {
                TotalBytesProcessed = totals.Bytes,
                TotalLinesProcessed = totals.Lines,
                TotalPostFilterLines = totals.PostFilterLines,
                TotalStructuredMetadataBytesProcessed = totals.StructuredMetadataBytes,
                TotalEntriesReturned = returned,
                ExecTime = _time.GetElapsedTime(started),
            };
            return new MetricQueryResult(type, series, stats);
        }
        catch (OperationCanceledException) when (deadline is not null && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"query timed out after {request.Timeout}");
        }
    }

    private static async Task<(MetricResultType, List<MetricSeries>)> RunAsync(
        MetricQueryRequest request, MetricSourceProvider sources, ScanTotals totals, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        var grid = StepGrid.For(request);
        var expr = request.Expression;
        if (expr is LiteralExpr literal && request.IsInstant)
        {
            return (MetricResultType.Scalar, [new MetricSeries(Labels.Empty, [new MetricPoint(request.StartNanos / 1_000_000, literal.Value)])]);
        }
        var evaluated = expr is LiteralExpr number
            ? [Constant(number.Value, grid.Count)]
            : await EvaluateAsync(expr, request, grid, sources, totals, token).ConfigureAwait(false);
        return request.IsInstant
            ? (MetricResultType.Vector, ToVector(evaluated, request))
            : (MetricResultType.Matrix, ToMatrix(evaluated, grid, request.MaxSeries));
    }

    /// <summary>Loki's <c>canInjectVectorGrouping</c>: a sum over a count, rate, bytes or sum range aggregation without grouping.</summary>
    private static bool CanInjectGrouping(VectorAggregationExpr vector, RangeAggregationExpr range) =>
        vector.Op == VectorOp.Sum
        && range.Grouping is null
        && range.Op is RangeOp.CountOverTime or RangeOp.Rate or RangeOp.BytesOverTime or RangeOp.BytesRate or RangeOp.SumOverTime;

    private static async ValueTask<List<StepSeries>> EvaluateAsync(
        SampleExpr expr, MetricQueryRequest request, StepGrid grid, MetricSourceProvider sources, ScanTotals totals, CancellationToken token)
    {
        switch (expr)
        {
            case RangeAggregationExpr range:
                return await RangeAggregationEvaluator.EvaluateAsync(range, request, grid, sources, totals, token).ConfigureAwait(false);
            case VectorAggregationExpr vector:
                // Loki pushes a sum's grouping into the range aggregation below it (when that has none and is a
                // counting or summing one): the same sums, but series are built from the grouping labels only, so
                // `sum by (level) (count_over_time({…} | json [1m]))` does not make one series per distinct line.
                var inner = vector.Inner is RangeAggregationExpr pushed && CanInjectGrouping(vector, pushed)
                    ? await RangeAggregationEvaluator.EvaluateAsync(pushed, request, grid, sources, totals, token, vector.Grouping).ConfigureAwait(false)
                    : await EvaluateAsync(vector.Inner, request, grid, sources, totals, token).ConfigureAwait(false);
                return VectorAggregationEvaluator.Apply(vector, inner, grid.Count);
            case BinaryOpExpr binary when binary.Left is LiteralExpr left:
                var right = await EvaluateAsync(binary.Right, request, grid, sources, totals, token).ConfigureAwait(false);
                return BinaryOperationEvaluator.WithScalar(binary.Op, right, left.Value, literalOnLeft: true, binary.Modifier.ReturnBool, grid.Count);
            case BinaryOpExpr binary when binary.Right is LiteralExpr rightLiteral:
                var leftVector = await EvaluateAsync(binary.Left, request, grid, sources, totals, token).ConfigureAwait(false);
                return BinaryOperationEvaluator.WithScalar(binary.Op, leftVector, rightLiteral.Value, literalOnLeft: false, binary.Modifier.ReturnBool, grid.Count);
            case BinaryOpExpr binary:
                var lhs = await EvaluateAsync(binary.Left, request, grid, sources, totals, token).ConfigureAwait(false);
                var rhs = await EvaluateAsync(binary.Right, request, grid, sources, totals, token).ConfigureAwait(false);
                return BinaryOperationEvaluator.Vectors(binary, lhs, rhs, grid.Count);
            case LabelReplaceExpr replace:
                var replaced = await EvaluateAsync(replace.Inner, request, grid, sources, totals, token).ConfigureAwait(false);
                return LabelReplaceEvaluator.Apply(replace, replaced);
            case VectorExpr constant:
                return [Constant(constant.Value, grid.Count)];
            default:
                throw new NotSupportedException($"unexpected expression {expr} in a metric query");
        }
    }

    /// <summary><c>vector(x)</c> (and a top-level number in a range query): one label-less series at every step.</summary>
    private static StepSeries Constant(double value, int steps)
    {
        var series = new StepSeries(Labels.Empty, steps);
        for (var i = 0; i < steps; i++)
        {
            series.Set(i, value);
        }
        return series;
    }

    private static List<MetricSeries> ToMatrix(List<StepSeries> evaluated, StepGrid grid, int maxSeries)
    {
        // Series with equal labels (possible after label_replace) are one series, as in Loki's join by label hash.
        var merged = new Dictionary<Labels, List<MetricPoint>>();
        foreach (var s in evaluated)
        {
            if (!s.Any())
            {
                continue;
            }
            if (!merged.TryGetValue(s.Labels, out var points))
            {
                merged[s.Labels] = points = [];
                if (merged.Count > maxSeries)
                {
                    throw MetricQueryException.SeriesLimit(maxSeries);
                }
            }
            for (var step = 0; step < grid.Count; step++)
            {
                if (s.Present[step])
                {
                    points.Add(new MetricPoint(grid.TimeAt(step) / 1_000_000, s.Values[step]));
                }
            }
        }
        var result = new List<MetricSeries>(merged.Count);
        foreach (var (labels, points) in merged)
        {
            if (points.Count > 1)
            {
                points.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
            }
            result.Add(new MetricSeries(labels, points));
        }
        result.Sort((a, b) => LabelsOrder.Instance.Compare(a.Labels, b.Labels));
        return result;
    }

    private static List<MetricSeries> ToVector(List<StepSeries> evaluated, MetricQueryRequest request)
    {
        var timestamp = request.StartNanos / 1_000_000;
        var samples = new List<MetricSeries>();
        foreach (var s in evaluated)
        {
            if (s.Present[0])
            {
                samples.Add(new MetricSeries(s.Labels, [new MetricPoint(timestamp, s.Values[0])]));
            }
        }
        if (samples.Count > request.MaxSeries)
        {
            throw MetricQueryException.SeriesLimit(request.MaxSeries);
        }
        var sort = FindSort(request.Expression);
        samples.Sort((a, b) =>
        {
            if (sort is { } op)
            {
                var c = op == VectorOp.Sort ? a.Points[0].Value.CompareTo(b.Points[0].Value) : b.Points[0].Value.CompareTo(a.Points[0].Value);
                if (c != 0)
                {
                    return c;
                }
            }
            return LabelsOrder.Instance.Compare(a.Labels, b.Labels);
        });
        return samples;
    }

    /// <summary>Loki orders an instant vector by labels unless the query contains <c>sort</c> or <c>sort_desc</c>.</summary>
    private static VectorOp? FindSort(SampleExpr expr) => expr switch
    {
        VectorAggregationExpr { Op: VectorOp.Sort or VectorOp.SortDesc } v => v.Op,
        VectorAggregationExpr v => FindSort(v.Inner),
        BinaryOpExpr b => FindSort(b.Left) ?? FindSort(b.Right),
        LabelReplaceExpr r => FindSort(r.Inner),
        _ => null,
    };
}
