using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Evaluates one range aggregation (<c>rate({…}[5m])</c>, <c>avg_over_time({…} | unwrap x [1m]) by (a)</c>) over
/// the step grid, streaming: each entry runs through the log pipeline, becomes a sample (1, its byte length, or
/// its unwrapped value) of a series, and is folded into every step whose window <c>(t − offset − range,
/// t − offset]</c> contains it (Loki's bounds: start exclusive, end inclusive).
/// </summary>
/// <remarks>
/// Series labels follow Loki's sample extractors: all labels of the entry (stream, structured metadata, parsed);
/// with <c>unwrap</c>, minus the unwrapped label, or only the <c>by</c> labels, or minus the <c>without</c> labels;
/// an entry carrying <c>__error__</c> keeps all its labels, and any such series fails the query with Loki's pipeline
/// error unless a label filter removed it. One scanner owns one <see cref="PipelineProcessor"/>, so scanning sources
/// on several threads means one scanner per thread.
/// </remarks>
internal sealed class RangeAggregationEvaluator
{
    /// <summary>Bound of the per-<see cref="LabelsResult"/> cache, so a pipeline that returns fresh results per entry cannot grow it.</summary>
    private const int ResultCacheLimit = 4096;

    private readonly RangeAggregationExpr _expr;
    private readonly RangeWindow _window;
    private readonly PipelineProcessor _processor;
    private readonly ScanTotals _totals;
    private readonly UnwrapExpr? _unwrap;
    private readonly PostFilter[] _postFilters;
    private readonly HashSet<string>? _groupNames;
    private readonly bool _groupWithout;
    private readonly Dictionary<LabelsResult, Series> _byResult = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Labels, Series> _byLabels = [];
    private readonly SampleLabels _scratch = new();
    private readonly List<LabelPair> _pairs = [];
    private readonly GroupedSeriesIndex<Series>? _grouped;

    private RangeAggregationEvaluator(RangeAggregationExpr expr, RangeWindow window, PipelineProcessor processor, ScanTotals totals, Grouping? injectedGrouping)
    {
        _expr = expr;
        _window = window;
        _processor = processor;
        _totals = totals;
        _unwrap = expr.Range.Unwrap;
        _postFilters = [];
        if (_unwrap is not null)
        {
            _postFilters = new PostFilter[_unwrap.PostFilters.Count];
            for (var i = 0; i < _postFilters.Length; i++)
            {
                _postFilters[i] = PostFilter.Compile(_unwrap.PostFilters[i]);
            }
            // Loki's label extractor: no grouping (or `without`) drops the unwrapped label; `by` keeps only its labels.
            var grouping = expr.Grouping;
            _groupWithout = grouping is null || grouping.Without || grouping.Labels.Count == 0;
            _groupNames = new HashSet<string>(StringComparer.Ordinal);
            if (grouping is not null)
            {
                foreach (var name in grouping.Labels)
                {
                    _groupNames.Add(name);
                }
            }
            if (_groupWithout)
            {
                _groupNames.Add(_unwrap.Label);
            }
        }
        if (injectedGrouping is not null)
        {
            // A parent sum's grouping (see MetricQueryEngine): series keep only the `by` labels, or drop the
            // `without` labels (and the unwrapped one, as Loki's extractor does).
            _groupWithout = injectedGrouping.Without;
            _groupNames = new HashSet<string>(injectedGrouping.Labels, StringComparer.Ordinal);
            if (_groupWithout && _unwrap is not null)
            {
                _groupNames.Add(_unwrap.Label);
            }
        }
        if (_groupNames is not null && !_groupWithout)
        {
            // `by (…)`: series are found from the grouping labels' values alone, without building each entry's labels.
            var names = new string[_groupNames.Count];
            _groupNames.CopyTo(names);
            _grouped = new GroupedSeriesIndex<Series>(names);
        }
    }

    /// <summary>
    /// Opens the sources of <paramref name="expr"/> and evaluates it over <paramref name="grid"/>;
    /// <paramref name="injectedGrouping"/> is a parent sum's grouping pushed down to build fewer series.
    /// </summary>
    public static async ValueTask<List<StepSeries>> EvaluateAsync(
        RangeAggregationExpr expr, MetricQueryRequest request, StepGrid grid, MetricSourceProvider provider, ScanTotals totals, CancellationToken token, Grouping? injectedGrouping = null)
    {
        var range = expr.Range;
        var window = new RangeWindow(grid, range.Interval.Ticks * 100, range.Offset.Ticks * 100);
        var pipeline = LogPipeline.Compile(range.Selector);
        var evaluator = new RangeAggregationEvaluator(expr, window, pipeline.CreateProcessor(), totals, injectedGrouping);

        // Loki reads [start − range − offset, end − offset] (its "leap nanosecond" makes the end inclusive).
        var lastEvaluation = request.IsInstant ? request.StartNanos : request.EndNanos;
        var scan = new LogScanRequest(
            request.Tenant,
            StreamMatcher.Compile(range.Selector.Matchers),
            grid.StartNanos - window.RangeNanos - window.OffsetNanos,
            lastEvaluation - window.OffsetNanos + 1,
            QueryDirection.Forward);
        var sources = await provider(new MetricSourceRequest(scan, pipeline.LineFilters), token).ConfigureAwait(false);
        foreach (var source in sources)
        {
            var cursors = source.OpenStreams(scan, token);
            try
            {
                foreach (var cursor in cursors)
                {
                    evaluator.Scan(cursor, token);
                }
            }
            finally
            {
                foreach (var cursor in cursors)
                {
                    cursor.Dispose();
                }
            }
        }
        return evaluator.Finish(range.Selector);
    }

    private void Scan(IStreamCursor cursor, CancellationToken token)
    {
        var stream = cursor.Labels;
        var grid = _window.Grid;
        var op = _expr.Op;
        while (cursor.TryReadBatch(out var batch))
        {
            token.ThrowIfCancellationRequested();
            foreach (ref readonly var entry in batch.Span)
            {
                var line = entry.Line.Span;
                _totals.Lines++;
                _totals.Bytes += line.Length;
                if (!entry.StructuredMetadata.IsEmpty)
                {
                    _totals.StructuredMetadataBytes += entry.StructuredMetadataSize;
                }
                if (!grid.TryGetSteps(entry.TimestampNanos, _window.RangeNanos, _window.OffsetNanos, out var first, out var last)
                    || !_processor.Process(entry.TimestampNanos, line, stream, entry.StructuredMetadata.Span))
                {
                    continue;
                }
                _totals.PostFilterLines++;
                Series series;
                double value;
                if (_unwrap is null)
                {
                    series = _grouped is not null && !_processor.HasError ? ResolveGrouped() : Resolve(_processor.Labels);
                    value = op is RangeOp.BytesOverTime or RangeOp.BytesRate ? _processor.Line.Length : 1;
                }
                else if (!TryUnwrap(out series, out value))
                {
                    continue;
                }
                series.Cells.Add(first, last, entry.TimestampNanos, value);
            }
        }
    }

    /// <summary>Loki's label sample extractor: convert, then post filters; false drops the entry.</summary>
    private bool TryUnwrap(out Series series, out double value)
    {
        series = null!;
        if (!_processor.TryGetLabel(_unwrap!.Label, out var text) || string.IsNullOrEmpty(text))
        {
            // An entry without the label is skipped, not an error (Loki issue 6713).
            value = 0;
            return false;
        }
        string error;
        bool converted;
        switch (_unwrap.Conversion)
        {
            case UnwrapConversion.Bytes:
                converted = GoConversions.TryParseBytes(text, out var bytes, out error);
                value = bytes;
                break;
            case UnwrapConversion.Duration or UnwrapConversion.DurationSeconds:
                converted = GoConversions.TryParseDuration(text, out var duration, out error);
                value = duration.Ticks / (double)TimeSpan.TicksPerSecond;
                break;
            default:
                converted = GoConversions.TryParseFloat(text, out value, out error);
                break;
        }
        if (converted && _postFilters.Length == 0)
        {
            series = _grouped is not null && !_processor.HasError ? ResolveGrouped() : Resolve(_processor.Labels);
            return true;
        }
        var result = _processor.Labels;
        _scratch.Reset(result.All);
        if (!converted)
        {
            _scratch.SetError(ErrorLabels.SampleExtraction, error);
        }
        foreach (var filter in _postFilters)
        {
            if (!filter.Process(_scratch))
            {
                return false;
            }
        }
        series = _scratch.HasError ? ResolveLabels(_scratch.WithErrors()) : Resolve(result);
        return true;
    }

    private Series ResolveGrouped()
    {
        var grouped = _grouped!;
        var values = grouped.Scratch;
        for (var i = 0; i < values.Length; i++)
        {
            // Absent and empty are the same to a label set (empty values are not labels).
            values[i] = _processor.TryGetLabel(grouped.Names[i], out var v) ? v : "";
        }
        if (grouped.TryGet(out var series))
        {
            return series;
        }
        _pairs.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].Length > 0)
            {
                _pairs.Add(new LabelPair(grouped.Names[i], values[i]));
            }
        }
        series = ResolveLabels(Labels.Create(_pairs.ToArray()));
        grouped.Add(series);
        return series;
    }

    private Series Resolve(LabelsResult result)
    {
        if (_byResult.TryGetValue(result, out var series))
        {
            return series;
        }
        series = ResolveLabels(SeriesLabels(result.All));
        if (_byResult.Count >= ResultCacheLimit)
        {
            _byResult.Clear();
        }
        _byResult[result] = series;
        return series;
    }

    private Series ResolveLabels(Labels labels)
    {
        if (!_byLabels.TryGetValue(labels, out var series))
        {
            var cells = RangeCells.Create(_expr.Op, _unwrap is not null, _expr.Parameter ?? 0, _window.Grid.Count);
            _byLabels[labels] = series = new Series(labels, cells);
        }
        return series;
    }

    /// <summary>The series labels of an entry's labels: the extractor's grouping, unless the entry carries an error.</summary>
    private Labels SeriesLabels(Labels all)
    {
        if (_groupNames is null || all.Has(ErrorLabels.Error))
        {
            return all;
        }
        _pairs.Clear();
        foreach (var pair in all.Pairs)
        {
            if (_groupNames.Contains(pair.Name) != _groupWithout)
            {
                _pairs.Add(pair);
            }
        }
        return _pairs.Count == all.Count ? all : Labels.Create(_pairs.ToArray());
    }

    private List<StepSeries> Finish(LogSelectorExpr selector)
    {
        var output = new List<StepSeries>(_byLabels.Count);
        foreach (var series in _byLabels.Values)
        {
            var target = new StepSeries(series.Labels, _window.Grid.Count);
            series.Cells.Emit(target, _window);
            if (target.Any())
            {
                output.Add(target);
            }
        }
        ThrowOnErrorSeries(output);
        return _expr.Op == RangeOp.AbsentOverTime ? Absent(output, selector) : output;
    }

    /// <summary>Loki fails a metric query whose samples carry <c>__error__</c>; the earliest such step is reported.</summary>
    private void ThrowOnErrorSeries(List<StepSeries> output)
    {
        var errors = output.FindAll(s => s.Labels.Has(ErrorLabels.Error));
        for (var step = 0; errors.Count > 0 && step < _window.Grid.Count; step++)
        {
            StepSeries? failing = null;
            foreach (var s in errors)
            {
                if (s.Present[step] && s.Labels.Has(ErrorLabels.Error)
                    && (failing is null || LabelsOrder.Instance.Compare(s.Labels, failing.Labels) < 0))
                {
                    failing = s;
                }
            }
            if (failing is not null)
            {
                throw MetricQueryException.PipelineError(failing.Labels);
            }
        }
    }

    /// <summary><c>absent_over_time</c>: 1 at each step where no series has a sample, labelled from the selector's equality matchers.</summary>
    private List<StepSeries> Absent(List<StepSeries> present, LogSelectorExpr selector)
    {
        var result = new StepSeries(AbsentLabels(selector), _window.Grid.Count);
        for (var step = 0; step < result.Values.Length; step++)
        {
            var any = false;
            foreach (var s in present)
            {
                any |= s.Present[step];
            }
            if (!any)
            {
                result.Set(step, 1);
            }
        }
        return result.Any() ? [result] : [];
    }

    /// <summary>Prometheus' absent labels: names matched once with <c>=</c> keep their value; any other matcher drops the name.</summary>
    internal static Labels AbsentLabels(LogSelectorExpr selector)
    {
        var pairs = new List<LabelPair>();
        var dropped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in selector.Matchers)
        {
            if (m.Op == MatchOperator.Equal && !pairs.Exists(p => p.Name == m.Name))
            {
                pairs.Add(new LabelPair(m.Name, m.Value));
            }
            else
            {
                dropped.Add(m.Name);
            }
        }
        pairs.RemoveAll(p => dropped.Contains(p.Name));
        return Labels.Create(pairs.ToArray());
    }

    private sealed class Series(Labels labels, RangeCells cells)
    {
        public Labels Labels { get; } = labels;

        public RangeCells Cells { get; } = cells;
    }
}
