using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// A LogQL metric query as Loki's querier receives it: a range query evaluates at <c>start</c>, <c>start+step</c>, …
/// up to and including <c>end</c>; an instant query (<see cref="IsInstant"/>) evaluates once at <c>start</c>.
/// </summary>
public sealed record MetricQueryRequest
{
    /// <summary>The tenant whose data is read.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The parsed metric expression.</summary>
    public required SampleExpr Expression { get; init; }

    /// <summary>First evaluation time (ns since the epoch).</summary>
    public required long StartNanos { get; init; }

    /// <summary>Last evaluation time (inclusive); equal to <see cref="StartNanos"/> for instant queries.</summary>
    public required long EndNanos { get; init; }

    /// <summary>Distance between evaluation times; ignored for instant queries.</summary>
    public long StepNanos { get; init; }

    /// <summary>An instant query: one evaluation, a vector (or scalar) result.</summary>
    public bool IsInstant { get; init; }

    /// <summary>Loki's <c>max_query_series</c>: most series the result may hold.</summary>
    public int MaxSeries { get; init; } = 500;

    /// <summary>Deadline for the whole execution; <see langword="null"/> for none.</summary>
    public TimeSpan? Timeout { get; init; }
}
