using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Deletion;

/// <summary>
/// One delete request, compiled: the streams its selector matches, its time range, and the pipeline an entry must
/// pass to be deleted (Loki deletes an entry when the request's pipeline keeps it). Thread-safe: per-stream
/// evaluation state lives in <see cref="StreamDeletion"/>.
/// </summary>
public sealed class DeletionRule
{
    private DeletionRule(StreamMatcher streams, LogPipeline? pipeline, long startNanos, long endNanos)
    {
        Streams = streams;
        Pipeline = pipeline;
        StartNanos = startNanos;
        EndNanos = endNanos;
    }

    /// <summary>Streams the request covers.</summary>
    public StreamMatcher Streams { get; }

    /// <summary>The stages an entry must pass to be deleted; null when the selector has none (every entry in range goes).</summary>
    public LogPipeline? Pipeline { get; }

    /// <summary>First timestamp deleted (ns, inclusive).</summary>
    public long StartNanos { get; }

    /// <summary>Last timestamp deleted (ns, inclusive, as Loki's end).</summary>
    public long EndNanos { get; }

    /// <summary>
    /// Parses and validates a deletion query as Loki does (a log selector with validated matchers and a pipeline
    /// that compiles). Times are Loki's: Unix milliseconds, both inclusive.
    /// </summary>
    /// <exception cref="LogQLParseException">The query is not a valid log selector.</exception>
    /// <exception cref="NotSupportedException">The pipeline uses a stage this build does not run.</exception>
    public static DeletionRule Compile(string query, long startMs, long endMs)
    {
        var expr = LogQLParser.ParseLogSelector(query);
        var pipeline = expr is PipelineExpr ? LogPipeline.Compile(expr) : null;
        return new DeletionRule(StreamMatcher.Compile(expr.Matchers), pipeline, startMs * 1_000_000, endMs * 1_000_000);
    }

    /// <summary>Whether the request may delete entries of <paramref name="stream"/> between the given bounds (ns, inclusive).</summary>
    public bool Covers(Labels stream, long minNanos, long maxNanos) =>
        minNanos <= EndNanos && maxNanos >= StartNanos && Streams.Matches(stream);
}
