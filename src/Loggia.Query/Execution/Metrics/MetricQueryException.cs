using Loggia.Core.Model;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// A metric query failed in a way Loki reports to the client, with Loki's message and HTTP status: 400 for client
/// errors (pipeline errors, limits), 500 for evaluation errors Loki does not classify (vector matching conflicts).
/// </summary>
public sealed class MetricQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MetricQueryException(string message, int statusCode)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates a 400 exception.</summary>
    public MetricQueryException(string message)
        : this(message, 400)
    {
    }

    /// <summary>Creates a 500 exception.</summary>
    public MetricQueryException()
        : this("metric query failed", 500)
    {
    }

    /// <summary>Creates a 500 exception with an inner cause.</summary>
    public MetricQueryException(string message, Exception innerException)
        : base(message, innerException) => StatusCode = 500;

    /// <summary>The HTTP status Loki answers with.</summary>
    public int StatusCode { get; }

    /// <summary>Loki's error when a series of a metric query carries <c>__error__</c> (not filtered out).</summary>
    public static MetricQueryException PipelineError(Labels series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var type = series.Get(ErrorLabels.Error) ?? "";
        return new MetricQueryException(
            $"pipeline error: '{type}' for series: '{series}'.\n"
            + $"Use a label filter to intentionally skip this error. (e.g | __error__!=\"{type}\").\n"
            + "To skip all potential errors you can match empty errors.(e.g __error__=\"\")\n"
            + "The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )\n");
    }

    /// <summary>Loki's <c>max_query_series</c> error.</summary>
    public static MetricQueryException SeriesLimit(int limit) =>
        new($"maximum of series ({limit}) reached for a single query");
}
