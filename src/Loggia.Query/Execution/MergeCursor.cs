using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;

namespace Loggia.Query.Execution;

/// <summary>
/// One source stream inside the merge: reads batches from its <see cref="IStreamCursor"/>, runs the leading line
/// filters over each whole batch (a tight loop producing a selection vector), then, when the query has other
/// stages, the pipeline processor over each surviving entry as the merge asks for it, and exposes the results one
/// at a time to the k-way merge.
/// </summary>
internal sealed class MergeCursor : IDisposable
{
    /// <summary>How often (in lines) the filter loop checks for cancellation.</summary>
    private const int CancellationCheckInterval = 4096;

    private readonly IStreamCursor _cursor;
    private readonly LinePipeline _pipeline;
    private readonly PipelineProcessor? _processor;
    private byte[] _line = [];
    private int _lineLength;
    private readonly ScanCounters _counters;
    private readonly long _start;
    private readonly long _end;
    private ReadOnlyMemory<LogEntry> _batch;
    private int[] _selection = [];
    private int _selected;
    private int _position;

    /// <param name="cursor">The stream's entries.</param>
    /// <param name="ordinal">Position among all cursors.</param>
    /// <param name="pipeline">The leading line filters.</param>
    /// <param name="processor">The rest of the pipeline (shared by the cursors of one execution), null when there is none.</param>
    /// <param name="counters">Execution counters.</param>
    /// <param name="start">First timestamp included.</param>
    /// <param name="end">First timestamp excluded.</param>
    public MergeCursor(IStreamCursor cursor, int ordinal, LinePipeline pipeline, PipelineProcessor? processor, ScanCounters counters, long start, long end)
    {
        _processor = processor;
        _cursor = cursor;
        Ordinal = ordinal;
        _pipeline = pipeline;
        _counters = counters;
        _start = start;
        _end = end;
        Labels = cursor.Labels;
        Fingerprint = Labels.Fingerprint;
    }

    public Labels Labels { get; }

    public ulong Fingerprint { get; }

    /// <summary>Position among all cursors (source order, then stream order): the last tie-breaker.</summary>
    public int Ordinal { get; }

    /// <summary>The current entry; valid after <see cref="MoveNext"/> returned true and until it is called again.</summary>
    public ref readonly LogEntry Current => ref _batch.Span[_selection[_position]];

    /// <summary>The current entry's line after the pipeline (the raw line when the pipeline has only line filters).</summary>
    public ReadOnlySpan<byte> CurrentLine => _processor is null ? Current.Line.Span : _line.AsSpan(0, _lineLength);

    /// <summary>The current entry's labels after the pipeline; null when the pipeline has only line filters.</summary>
    public LabelsResult? CurrentLabels { get; private set; }

    /// <summary>Advances to the next entry that passes the pipeline.</summary>
    public bool MoveNext(CancellationToken cancellationToken)
    {
        while (true)
        {
            _position++;
            while (_position >= _selected)
            {
                if (!_cursor.TryReadBatch(out _batch))
                {
                    _batch = default;
                    _selected = 0;
                    return false;
                }
                FilterBatch(cancellationToken);
                _position = 0;
            }
            if (_processor is null || RunProcessor())
            {
                return true;
            }
        }
    }

    /// <summary>Runs the stages after the leading line filters; keeps the output line, which the processor reuses.</summary>
    private bool RunProcessor()
    {
        ref readonly var entry = ref Current;
        var processor = _processor!;
        if (!processor.ProcessAfterLineFilters(entry.TimestampNanos, entry.Line.Span, Labels, entry.StructuredMetadata.Span))
        {
            return false;
        }
        var line = processor.Line;
        if (_line.Length < line.Length)
        {
            _line = new byte[Math.Max(line.Length, _line.Length * 2)];
        }
        line.CopyTo(_line);
        _lineLength = line.Length;
        CurrentLabels = processor.Labels;
        _counters.PostFilterLines++;
        return true;
    }

    private void FilterBatch(CancellationToken cancellationToken)
    {
        var entries = _batch.Span;
        if (_selection.Length < entries.Length)
        {
            _selection = new int[entries.Length];
        }
        var selection = _selection;
        var count = 0;
        long lines = 0;
        long bytes = 0;
        long metadataBytes = 0;
        var noop = _pipeline.IsNoop;
        for (var i = 0; i < entries.Length; i++)
        {
            if ((i & (CancellationCheckInterval - 1)) == CancellationCheckInterval - 1)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            ref readonly var entry = ref entries[i];
            // Sources should honour the range; checking again is cheap and keeps the engine's contract exact.
            if (entry.TimestampNanos < _start || entry.TimestampNanos >= _end)
            {
                continue;
            }
            var line = entry.Line.Span;
            lines++;
            bytes += line.Length;
            if (!entry.StructuredMetadata.IsEmpty)
            {
                metadataBytes += entry.StructuredMetadataSize;
            }
            if (noop || _pipeline.Matches(line))
            {
                selection[count++] = i;
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        _counters.Lines += lines;
        _counters.Bytes += bytes;
        _counters.StructuredMetadataBytes += metadataBytes;
        if (_processor is null)
        {
            _counters.PostFilterLines += count; // otherwise counted per entry that passes the whole pipeline
        }
        _selected = count;
    }

    public void Dispose() => _cursor.Dispose();
}

/// <summary>Counters shared by all cursors of one execution (single-threaded).</summary>
internal sealed class ScanCounters
{
    public long Lines;
    public long Bytes;
    public long StructuredMetadataBytes;
    public long PostFilterLines;
}
