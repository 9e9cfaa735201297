using Loggia.Core.Model;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// Runs a <see cref="LogPipeline"/> over one entry at a time. Owns scratch buffers and a cache of result label
/// sets, so processing allocates only when an entry produces a label set not seen before. Not thread-safe.
/// </summary>
public sealed class PipelineProcessor
{
    private readonly LinePipeline _filters;
    private readonly LabelsResultCache _cache = new();
    private byte[] _lineScratch = [];
    private int _lineLength;
    private LabelsResult? _labels;

    internal PipelineProcessor(LinePipeline filters) => _filters = filters;

    /// <summary>The line after the pipeline (changed by <c>line_format</c>, <c>decolorize</c>); valid until the next <see cref="Process"/>.</summary>
    public ReadOnlySpan<byte> Line => _lineScratch.AsSpan(0, _lineLength);

    /// <summary>The entry's labels after the pipeline; valid after <see cref="Process"/> returned true.</summary>
    public LabelsResult Labels => _labels ?? throw new InvalidOperationException("No entry has been processed.");

    /// <summary>
    /// Runs the pipeline over one entry. Returns false when a stage drops it; otherwise <see cref="Line"/> and
    /// <see cref="Labels"/> describe the result.
    /// </summary>
    public bool Process(long timestampNanos, ReadOnlySpan<byte> line, Labels stream, ReadOnlySpan<LabelPair> structuredMetadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _ = timestampNanos;
        if (!_filters.IsNoop && !_filters.Matches(line))
        {
            return false;
        }
        if (_lineScratch.Length < line.Length)
        {
            _lineScratch = new byte[Math.Max(line.Length, _lineScratch.Length * 2)];
        }
        line.CopyTo(_lineScratch);
        _lineLength = line.Length;
        _labels = _cache.Get(stream, structuredMetadata);
        return true;
    }
}
