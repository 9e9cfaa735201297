using Loggia.Core.Model;

namespace Loggia.Query.Execution;

/// <summary>
/// An <see cref="ILogSource"/> over entries held in memory, for tests and tools. Entries are appended per tenant
/// and stream in any order and sorted by timestamp (stably, so equal timestamps keep their append order) when
/// scanned.
/// </summary>
public sealed class InMemoryLogSource : ILogSource
{
    /// <summary>Entries are handed out in batches of this size, so tests exercise batch boundaries.</summary>
    private readonly int _batchSize;
    private readonly Dictionary<(string Tenant, Labels Labels), List<LogEntry>> _streams = [];
    private readonly object _gate = new();

    /// <summary>Creates an empty source.</summary>
    /// <param name="batchSize">How many entries each cursor batch holds at most.</param>
    public InMemoryLogSource(int batchSize = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
    }

    /// <summary>Appends one entry to a stream.</summary>
    public void Append(TenantId tenant, Labels labels, LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(labels);
        lock (_gate)
        {
            var key = (tenant.Value, labels);
            if (!_streams.TryGetValue(key, out var list))
            {
                _streams[key] = list = [];
            }
            list.Add(entry);
        }
    }

    /// <summary>Appends a UTF-8 line (convenience for tests).</summary>
    public void Append(TenantId tenant, Labels labels, long timestampNanos, string line, params LabelPair[] structuredMetadata) =>
        Append(tenant, labels, new LogEntry(timestampNanos, System.Text.Encoding.UTF8.GetBytes(line), structuredMetadata));

    /// <inheritdoc/>
    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cursors = new List<IStreamCursor>();
        lock (_gate)
        {
            foreach (var ((tenant, labels), entries) in _streams)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (tenant != request.Tenant.Value || !request.StreamMatcher.Matches(labels))
                {
                    continue;
                }
                var selected = new List<LogEntry>();
                foreach (var e in entries)
                {
                    if (e.TimestampNanos >= request.StartNanos && e.TimestampNanos < request.EndNanos)
                    {
                        selected.Add(e);
                    }
                }
                if (selected.Count == 0)
                {
                    continue;
                }
                var sorted = selected.ToArray();
                // Stable sort by time; backward is the exact reverse of forward, as a chunk iterated backwards is.
                var keys = new long[sorted.Length];
                var order = new int[sorted.Length];
                for (var i = 0; i < sorted.Length; i++)
                {
                    keys[i] = sorted[i].TimestampNanos;
                    order[i] = i;
                }
                Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
                var result = new LogEntry[sorted.Length];
                for (var i = 0; i < order.Length; i++)
                {
                    result[i] = sorted[order[i]];
                }
                if (request.Direction == QueryDirection.Backward)
                {
                    Array.Reverse(result);
                }
                cursors.Add(new ArrayCursor(labels, result, _batchSize));
            }
        }
        return cursors;
    }

    private sealed class ArrayCursor(Labels labels, LogEntry[] entries, int batchSize) : IStreamCursor
    {
        private int _next;

        public Labels Labels => labels;

        public bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch)
        {
            if (_next >= entries.Length)
            {
                batch = default;
                return false;
            }
            var count = Math.Min(batchSize, entries.Length - _next);
            batch = entries.AsMemory(_next, count);
            _next += count;
            return true;
        }

        public void Dispose()
        {
        }
    }
}
