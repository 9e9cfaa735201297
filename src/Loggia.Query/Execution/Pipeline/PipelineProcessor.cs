using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Runs a <see cref="LogPipeline"/> over one entry at a time. Owns scratch buffers, per-stage caches of label names
/// and values, and the interned result label sets, so processing allocates only when an entry produces a string or
/// a label set not seen before. Not thread-safe.
/// </summary>
public sealed class PipelineProcessor
{
    private readonly LinePipeline _leadingFilters;
    private readonly PipelineStep[] _steps;
    private readonly LabelsBuilder _builder;
    private byte[] _lineScratch = new byte[256];
    private int _lineLength;
    private LabelsResult? _labels;
    private bool _labelsPending;

    internal PipelineProcessor(LinePipeline leadingFilters, PipelineStep[] steps, LabelValueInterner values)
    {
        _builder = new LabelsBuilder(values);
        _leadingFilters = leadingFilters;
        _steps = steps;
    }

    /// <summary>The line after the pipeline (changed by <c>line_format</c>, <c>decolorize</c>, <c>unpack</c>); valid until the next <see cref="Process"/>.</summary>
    public ReadOnlySpan<byte> Line => _lineScratch.AsSpan(0, _lineLength);

    /// <summary>The entry's labels after the pipeline; valid after <see cref="Process"/> returned true.</summary>
    public LabelsResult Labels
    {
        get
        {
            if (_labelsPending)
            {
                _labels = _builder.ToResult();
                _labelsPending = false;
            }
            return _labels ?? throw new InvalidOperationException("No entry has been processed.");
        }
    }

    /// <summary>
    /// The value of one label of the processed entry (any category), without building its <see cref="Labels"/>: for
    /// consumers that need a few labels per entry, such as a metric query's grouping. Valid after
    /// <see cref="Process"/> returned true.
    /// </summary>
    public bool TryGetLabel(string name, out string value) => _builder.TryGet(name, out value);

    /// <summary>Whether the processed entry carries <c>__error__</c>.</summary>
    public bool HasError => _builder.HasError;

    /// <summary>
    /// Runs the pipeline over one entry. Returns false when a stage drops it; otherwise <see cref="Line"/> and
    /// <see cref="Labels"/> describe the result.
    /// </summary>
    public bool Process(long timestampNanos, ReadOnlySpan<byte> line, Labels stream, ReadOnlySpan<LabelPair> structuredMetadata)
    {
        if (!_leadingFilters.IsNoop && !_leadingFilters.Matches(line))
        {
            return false;
        }
        return ProcessAfterLineFilters(timestampNanos, line, stream, structuredMetadata);
    }

    /// <summary>
    /// <see cref="Process"/> for an entry that already passed <see cref="LogPipeline.LineFilters"/> (the storage
    /// scan ran them on the raw bytes), so they are not evaluated twice.
    /// </summary>
    public bool ProcessAfterLineFilters(long timestampNanos, ReadOnlySpan<byte> line, Labels stream, ReadOnlySpan<LabelPair> structuredMetadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _labels = null;
        _labelsPending = false;
        var builder = _builder;
        builder.Reset(stream);
        builder.TimestampNanos = timestampNanos;
        if (!structuredMetadata.IsEmpty)
        {
            builder.Add(LabelCategory.StructuredMetadata, structuredMetadata);
        }
        var current = line;
        foreach (var step in _steps)
        {
            if (!step.Process(ref current, builder))
            {
                return false;
            }
        }
        if (_lineScratch.Length < current.Length)
        {
            _lineScratch = new byte[Math.Max(current.Length, _lineScratch.Length * 2)];
        }
        current.CopyTo(_lineScratch);
        _lineLength = current.Length;
        _labelsPending = true;
        return true;
    }
}
