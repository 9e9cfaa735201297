using Loggia.Core.Model;

namespace Loggia.Query.Execution.Metrics;

/// <summary>Loki's <c>resultType</c> of a metric query.</summary>
public enum MetricResultType
{
    /// <summary>Range query: one series of points per label set.</summary>
    Matrix,
    /// <summary>Instant query: one sample per label set.</summary>
    Vector,
    /// <summary>Instant query of a number literal.</summary>
    Scalar,
}

/// <summary>One point of a series: Loki's millisecond timestamp and the value.</summary>
/// <param name="TimestampMs">Milliseconds since the epoch.</param>
/// <param name="Value">The sample value (may be NaN or ±Inf).</param>
public readonly record struct MetricPoint(long TimestampMs, double Value);

/// <summary>One result series (a matrix row) or one vector sample (a single point).</summary>
/// <param name="Labels">The series' labels.</param>
/// <param name="Points">Points in time order; a vector sample has exactly one.</param>
public sealed record MetricSeries(Labels Labels, IReadOnlyList<MetricPoint> Points);

/// <summary>The result of a metric query, in Loki's order, with execution statistics.</summary>
/// <param name="ResultType">Matrix, vector or scalar.</param>
/// <param name="Series">
/// Matrix: series sorted by labels. Vector: samples sorted by labels, or by value when the query uses
/// <c>sort</c>/<c>sort_desc</c>. Scalar: one entry with empty labels.
/// </param>
/// <param name="Statistics">What the execution read and returned.</param>
public sealed record MetricQueryResult(MetricResultType ResultType, IReadOnlyList<MetricSeries> Series, QueryStatistics Statistics);
