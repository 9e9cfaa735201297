using Loggia.Core.Model;

namespace Loggia.Query.Execution;

/// <summary>
/// One source stream inside the merge: reads batches from its <see cref="IStreamCursor"/>, runs the line filters
/// over each whole batch (a tight loop producing a selection vector), and exposes the surviving entries one at a
/// time to the k-way merge.
/// </summary>
internal sealed class MergeCursor : IDisposable
{
    /// <summary>How often (in lines) the filter loop checks for cancellation.</summary>
    private const int CancellationCheckInterval = 4096;

    private readonly IStreamCursor _cursor;
    private readonly LinePipeline _pipeline;
    private readonly ScanCounters _counters;
    private readonly long _start;
    private readonly long _end;
    private ReadOnlyMemory<LogEntry> _batch;
    private int[] _selection = [];
    private int _selected;
    private int _position;

    public MergeCursor(IStreamCursor cursor, int ordinal, LinePipeline pipeline, ScanCounters counters, long start, long end)
    {
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

    /// <summary>Advances to the next entry that passes the filters.</summary>
    public bool MoveNext(CancellationToken cancellationToken)
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
        _counters.PostFilterLines += count;
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
