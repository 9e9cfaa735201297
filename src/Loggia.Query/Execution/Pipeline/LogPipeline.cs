using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The executable form of a log query's whole pipeline (line filters, parsers, label filters, formatters,
/// drop/keep). Compiled once per query and thread-safe; each scan thread creates its own
/// <see cref="PipelineProcessor"/>, which owns the scratch state of one entry at a time.
/// </summary>
/// <remarks>
/// The leading line filters (those before the first stage that changes the line or the labels) are also exposed
/// as <see cref="LineFilters"/>: they depend on the raw line only, so storage scans run them on the raw bytes and
/// copy out only the lines that pass.
/// </remarks>
public sealed class LogPipeline
{
    private readonly LinePipeline _allFilters;

    private LogPipeline(LinePipeline leading, LinePipeline allFilters, bool lineFilterOnly)
    {
        LineFilters = leading;
        _allFilters = allFilters;
        IsLineFilterOnly = lineFilterOnly;
    }

    /// <summary>The leading line filters, safe to evaluate on the raw line during the storage scan.</summary>
    public LinePipeline LineFilters { get; }

    /// <summary>Whether the pipeline has no stage other than line filters (the fast path: no label work per entry).</summary>
    public bool IsLineFilterOnly { get; }

    /// <summary>Compiles the pipeline of <paramref name="expr"/> (an empty pipeline for a bare selector).</summary>
    /// <exception cref="LogQLParseException">A stage is invalid in a way Loki reports as a parse error.</exception>
    /// <exception cref="NotSupportedException">A stage is not implemented.</exception>
    public static LogPipeline Compile(LogSelectorExpr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        // Stand-in until the full pipeline lands: line filters only (LinePipeline rejects every other stage).
        var filters = LinePipeline.Compile(expr);
        return new LogPipeline(filters, filters, lineFilterOnly: true);
    }

    /// <summary>Creates the per-thread processor. Processors are not thread-safe.</summary>
    public PipelineProcessor CreateProcessor() => new(_allFilters);
}
