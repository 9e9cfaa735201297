using Loggia.Core.Model;

namespace Loggia.Query.Execution.Deletion;

/// <summary>
/// A source whose streams no longer show the entries that pending or processed delete requests remove: Loki's
/// query-time filtering, which hides deleted lines from the moment a request is accepted until the compactor has
/// removed them from storage (and keeps hiding lines of the range that arrive late).
/// </summary>
public sealed class DeletionFilteringSource(ILogSource inner, DeletionFilter filter) : ILogSource
{
    /// <inheritdoc/>
    public long MinTimeNanos => inner.MinTimeNanos;

    /// <inheritdoc/>
    public long MaxTimeNanos => inner.MaxTimeNanos;

    /// <inheritdoc/>
    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cursors = inner.OpenStreams(request, cancellationToken);
        List<IStreamCursor>? wrapped = null;
        for (var i = 0; i < cursors.Count; i++)
        {
            var deletion = filter.ForStream(cursors[i].Labels, request.StartNanos, request.EndNanos - 1);
            if (deletion is null)
            {
                wrapped?.Add(cursors[i]);
                continue;
            }
            if (wrapped is null)
            {
                wrapped = new List<IStreamCursor>(cursors.Count);
                for (var j = 0; j < i; j++)
                {
                    wrapped.Add(cursors[j]);
                }
            }
            wrapped.Add(new Cursor(cursors[i], deletion));
        }
        return wrapped ?? cursors;
    }

    /// <summary>Copies the surviving entries of each batch into a buffer of its own (the lines stay in the inner batch's memory).</summary>
    private sealed class Cursor(IStreamCursor inner, StreamDeletion deletion) : IStreamCursor
    {
        private LogEntry[] _kept = [];

        public Labels Labels => inner.Labels;

        public bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch)
        {
            while (inner.TryReadBatch(out var next))
            {
                if (_kept.Length < next.Length)
                {
                    _kept = new LogEntry[next.Length];
                }
                var count = 0;
                foreach (var entry in next.Span)
                {
                    if (!deletion.IsDeleted(entry.TimestampNanos, entry.Line.Span, entry.StructuredMetadata.Span))
                    {
                        _kept[count++] = entry;
                    }
                }
                if (count > 0)
                {
                    batch = _kept.AsMemory(0, count);
                    return true;
                }
            }
            batch = default;
            return false;
        }

        public void Dispose() => inner.Dispose();
    }
}
