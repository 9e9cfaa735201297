using Loggia.Query.LogQL.Syntax;
using SyntaxLineFilter = Loggia.Query.LogQL.Syntax.LineFilter;

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
    private readonly IReadOnlyList<PipelineStage> _stages;

    private LogPipeline(LinePipeline leading, IReadOnlyList<PipelineStage> stages)
    {
        LineFilters = leading;
        _stages = stages;
        IsLineFilterOnly = stages.Count == 0;
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
        var stages = expr is PipelineExpr p ? p.Stages : SyntaxList<PipelineStage>.Empty;
        var leading = new List<SyntaxLineFilter>();
        var i = 0;
        while (i < stages.Count && stages[i] is SyntaxLineFilter f)
        {
            leading.Add(f);
            i++;
        }
        var rest = new List<PipelineStage>(stages.Count - i);
        for (; i < stages.Count; i++)
        {
            rest.Add(stages[i]);
        }
        var pipeline = new LogPipeline(LinePipeline.CompileFilters(leading).WithTokens(TokenRequirements.Derive(stages)), rest);
        // Build the steps once now, so invalid or unsupported stages fail the query before any scan.
        _ = pipeline.CreateSteps(new LabelValueInterner());
        return pipeline;
    }

    /// <summary>Creates the per-thread processor. Processors are not thread-safe.</summary>
    public PipelineProcessor CreateProcessor()
    {
        var values = new LabelValueInterner();
        return new PipelineProcessor(LineFilters, CreateSteps(values), values);
    }

    private PipelineStep[] CreateSteps(LabelValueInterner values)
    {
        var steps = new List<PipelineStep>(_stages.Count);
        var filters = new List<SyntaxLineFilter>();
        foreach (var stage in _stages)
        {
            if (stage is SyntaxLineFilter filter)
            {
                filters.Add(filter);
                continue;
            }
            FlushFilters(steps, filters);
            steps.Add(stage switch
            {
                JsonParserStage { Extractions.Count: 0 } => new JsonParserStep(),
                JsonParserStage json => new JsonExpressionParserStep(json.Extractions, values),
                LogfmtParserStage { Extractions.Count: 0 } logfmt => new LogfmtParserStep(logfmt.Strict, logfmt.KeepEmpty),
                LogfmtParserStage logfmt => new LogfmtExpressionParserStep(logfmt.Strict, logfmt.Extractions, values),
                RegexpParserStage regexp => new RegexpParserStep(regexp.Regex),
                PatternParserStage pattern => new PatternParserStep(pattern.Pattern, values),
                UnpackParserStage => new UnpackParserStep(values),
                LabelFilterStage labelFilter => new LabelFilterStep(LabelPredicate.Compile(labelFilter.Filter)),
                DropLabelsStage drop => new DropLabelsStep(drop.Labels),
                KeepLabelsStage keep => new KeepLabelsStep(keep.Labels),
                DecolorizeStage => new DecolorizeStep(),
                LineFormatStage lineFormat => TemplateStages.CompileLineFormat(lineFormat),
                LabelFormatStage labelFormat => TemplateStages.CompileLabelFormat(labelFormat, values),
                _ => throw new NotSupportedException($"pipeline stage '{stage}' is not supported yet"),
            });
        }
        FlushFilters(steps, filters);
        return [.. steps];
    }

    private static void FlushFilters(List<PipelineStep> steps, List<SyntaxLineFilter> filters)
    {
        if (filters.Count > 0)
        {
            steps.Add(new LineFilterStep(LinePipeline.CompileFilters(filters)));
            filters.Clear();
        }
    }
}
