using Loggia.Core.Model;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>A log query as Loki's <c>query_range</c> receives it (for a log, not metric, expression).</summary>
public sealed record LogQueryRequest
{
    /// <summary>Loki's default <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The tenant whose data is read.</summary>
    public required TenantId Tenant { get; init; }

    /// <summary>The LogQL text; ignored when <see cref="Expression"/> is set.</summary>
    public string? Query { get; init; }

    /// <summary>The parsed query, when the caller already has it.</summary>
    public LogSelectorExpr? Expression { get; init; }

    /// <summary>First timestamp included (ns since the epoch).</summary>
    public required long StartNanos { get; init; }

    /// <summary>First timestamp excluded (Loki's <c>end</c> is exclusive for log queries).</summary>
    public required long EndNanos { get; init; }

    /// <summary>Most entries returned, over all streams.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Newest first (default, as Loki) or oldest first.</summary>
    public QueryDirection Direction { get; init; } = QueryDirection.Backward;

    /// <summary>
    /// The <c>categorize-labels</c> encoding flag: when set, structured metadata stays with each entry; when not,
    /// it is merged into the stream labels (a name clashing with a stream label gets the suffix <c>_extracted</c>),
    /// which splits streams, as Loki does for clients that do not send the flag.
    /// </summary>
    public bool CategorizeLabels { get; init; }

    /// <summary>
    /// Loki's <c>interval</c>: after an entry is returned, the next one is returned only when it is at least this
    /// much later (forward) or earlier (backward), across all streams; zero returns every entry.
    /// </summary>
    public long IntervalNanos { get; init; }

    /// <summary>Deadline for the whole execution; <see langword="null"/> for none.</summary>
    public TimeSpan? Timeout { get; init; }
}
