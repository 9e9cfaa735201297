namespace Loggia.Query.Execution;

/// <summary>
/// Opens a query's sources in the order the merge needs them, so that a query with a <c>limit</c> reads only the
/// newest (backward) or oldest (forward) data it returns. Sources are ordered by the time bound that comes first
/// in the query direction (<see cref="ILogSource.MaxTimeNanos"/> descending for backward queries,
/// <see cref="ILogSource.MinTimeNanos"/> ascending for forward ones); a source must be open before the merge takes
/// any entry that a not yet opened source could precede. Sources are opened in parallel batches of at least
/// <see cref="BatchSize"/>, so a query that does need everything (a rare needle) still scans on all cores.
/// </summary>
internal sealed class LogSourceScheduler
{
    private readonly ILogSource[] _pending;
    private readonly bool _backward;
    private int _next;

    public LogSourceScheduler(IReadOnlyList<ILogSource> sources, QueryDirection direction, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _backward = direction == QueryDirection.Backward;
        _pending = [.. sources];
        // A stable sort keeps the caller's order (head first) among sources with equal bounds.
        var keys = new long[_pending.Length];
        for (var i = 0; i < _pending.Length; i++)
        {
            keys[i] = _backward ? -Bound(_pending[i]) : Bound(_pending[i]);
        }
        var order = new int[_pending.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
        var sorted = new ILogSource[_pending.Length];
        for (var i = 0; i < order.Length; i++)
        {
            sorted[i] = _pending[order[i]];
        }
        _pending = sorted;
        BatchSize = batchSize;
    }

    /// <summary>How many sources are opened together at least (the parallelism of the scan).</summary>
    public int BatchSize { get; }

    /// <summary>Sources opened so far.</summary>
    public int Opened => _next;

    /// <summary>Whether sources remain unopened.</summary>
    public bool HasPending => _next < _pending.Length;

    /// <summary>
    /// Whether the next unopened source could hold an entry that the merge orders at or before
    /// <paramref name="frontier"/> (the timestamp the merge is about to return).
    /// </summary>
    public bool IsDue(long frontier)
    {
        if (!HasPending)
        {
            return false;
        }
        var bound = Bound(_pending[_next]);
        // Equal timestamps must meet in the heap: ties are ordered by stream, not by source.
        return _backward ? bound >= frontier : bound <= frontier;
    }

    /// <summary>
    /// Opens the next batch in parallel: at least <see cref="BatchSize"/> sources (or what remains), and every
    /// source due at <paramref name="frontier"/> (none beyond the batch when it is null: the merge is empty).
    /// Returns the cursors in source order.
    /// </summary>
    public List<IStreamCursor> OpenNext(long? frontier, LogScanRequest request, CancellationToken cancellationToken)
    {
        var end = _next;
        while (end < _pending.Length && (end - _next < BatchSize || (frontier is { } f && Reaches(_pending[end], f))))
        {
            end++;
        }
        var start = _next;
        _next = end;
        var results = new IReadOnlyList<IStreamCursor>[end - start];
        try
        {
            if (results.Length == 1)
            {
                results[0] = _pending[start].OpenStreams(request, cancellationToken);
            }
            else
            {
                Parallel.For(
                    0,
                    results.Length,
                    new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = BatchSize },
                    i => results[i] = _pending[start + i].OpenStreams(request, cancellationToken));
            }
        }
        catch
        {
            DisposeAll(results);
            throw;
        }
        var cursors = new List<IStreamCursor>();
        foreach (var r in results)
        {
            cursors.AddRange(r);
        }
        return cursors;
    }

    private bool Reaches(ILogSource source, long frontier) =>
        _backward ? source.MaxTimeNanos >= frontier : source.MinTimeNanos <= frontier;

    private long Bound(ILogSource source) => _backward ? source.MaxTimeNanos : source.MinTimeNanos;

    private static void DisposeAll(IReadOnlyList<IStreamCursor>?[] results)
    {
        foreach (var r in results)
        {
            if (r is null)
            {
                continue;
            }
            foreach (var c in r)
            {
                c.Dispose();
            }
        }
    }
}
