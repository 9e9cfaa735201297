using System.Diagnostics;
using Loggia.Core.Model;
using Loggia.Query.Execution.Pipeline;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution;

/// <summary>
/// Executes LogQL log queries (stream selector plus line filters) over a set of <see cref="ILogSource"/>s, with
/// Loki's semantics: entries in <c>[start, end)</c>; a k-way merge of every matching stream of every source by
/// time in the query direction; the first <c>limit</c> entries of that order are returned (the newest for
/// backward, the oldest for forward), and reading stops as soon as they are found: sources are opened in time order as the merge reaches them
/// (<see cref="LogSourceScheduler"/>), so sources past the limit are never read. Entries with equal timestamps
/// are ordered by stream fingerprint, as Loki's merge does by stream hash. An entry identical in stream, timestamp
/// and line to one already returned (the same data in the head and in a freshly flushed block) is dropped.
/// </summary>
public sealed class LogQueryEngine
{
    private readonly TimeProvider _time;
    private readonly int _scanParallelism;

    /// <summary>Creates an engine.</summary>
    /// <param name="timeProvider">Clock for execution time and deadlines; the system clock by default.</param>
    /// <param name="scanParallelism">How many sources are opened (scanned) at once; the processor count by default.</param>
    public LogQueryEngine(TimeProvider? timeProvider = null, int? scanParallelism = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _scanParallelism = Math.Max(1, scanParallelism ?? Environment.ProcessorCount);
    }

    /// <summary>
    /// Runs <paramref name="request"/>. Throws <see cref="LogQLParseException"/> for invalid queries,
    /// <see cref="NotSupportedException"/> for pipeline stages not implemented yet, <see cref="TimeoutException"/>
    /// when <see cref="LogQueryRequest.Timeout"/> expires and <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public LogQueryResult Execute(LogQueryRequest request, IReadOnlyList<ILogSource> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sources);
        var started = _time.GetTimestamp();
        var expr = request.Expression
            ?? LogQLParser.ParseLogSelector(request.Query ?? throw new ArgumentException("Query or Expression is required.", nameof(request)));

        using var deadline = request.Timeout is { } timeout
            ? new CancellationTokenSource(timeout, _time)
            : null;
        using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var token = linked?.Token ?? cancellationToken;
        try
        {
            var (streams, counters, returned, duplicates) = Run(request, expr, sources, _scanParallelism, token);
            var stats = new QueryStatistics
            {
                TotalBytesProcessed = counters.Bytes,
                TotalLinesProcessed = counters.Lines,
                TotalPostFilterLines = counters.PostFilterLines,
                TotalStructuredMetadataBytesProcessed = counters.StructuredMetadataBytes,
                TotalEntriesReturned = returned,
                TotalDuplicates = duplicates,
                ExecTime = _time.GetElapsedTime(started),
            };
            return new LogQueryResult(streams, stats);
        }
        catch (OperationCanceledException) when (deadline is not null && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"query timed out after {request.Timeout}");
        }
    }

    private static (List<StreamResult> Streams, ScanCounters Counters, long Returned, long Duplicates) Run(
        LogQueryRequest request, LogSelectorExpr expr, IReadOnlyList<ILogSource> sources, int scanParallelism, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        var matcher = StreamMatcher.Compile(expr.Matchers);
        var logPipeline = LogPipeline.Compile(expr);
        var pipeline = logPipeline.LineFilters;
        // One processor for the whole merge (it runs on this thread only), so its caches serve every stream.
        var processor = logPipeline.IsLineFilterOnly ? null : logPipeline.CreateProcessor();
        var counters = new ScanCounters();
        var backward = request.Direction == QueryDirection.Backward;
        var scan = new LogScanRequest(request.Tenant, matcher, request.StartNanos, request.EndNanos, request.Direction);
        var cursors = new List<MergeCursor>();
        var heap = new PriorityQueue<MergeCursor, MergeKey>(backward ? MergeKey.BackwardOrder : MergeKey.ForwardOrder);
        var builders = new Dictionary<Labels, StreamBuilder>();
        long returned = 0;
        long duplicates = 0;
        try
        {
            if (request.Limit <= 0 || request.StartNanos >= request.EndNanos)
            {
                return ([], counters, 0, 0);
            }
            var scheduler = new LogSourceScheduler(sources, request.Direction, scanParallelism);
            void Open(long? frontier)
            {
                foreach (var cursor in scheduler.OpenNext(frontier, scan, token))
                {
                    var mc = new MergeCursor(cursor, cursors.Count, pipeline, processor, counters, request.StartNanos, request.EndNanos);
                    cursors.Add(mc);
                    if (mc.MoveNext(token))
                    {
                        heap.Enqueue(mc, MergeKey.Of(mc));
                    }
                }
            }

            var arena = new LineArena();
            var dedup = new DuplicateWindow();
            var interval = request.IntervalNanos;
            var lastReturned = 0L;
            var anyReturned = false;
            while (returned < request.Limit)
            {
                // Open every source that could hold an entry ordered before the merge's next one; with an empty
                // heap, the next batch. Once the limit is met, the sources not yet opened are never read.
                MergeCursor? top;
                while (true)
                {
                    var hasTop = heap.TryPeek(out top, out var key);
                    if (!scheduler.HasPending || (hasTop && !scheduler.IsDue(key.Timestamp)))
                    {
                        break;
                    }
                    Open(hasTop ? key.Timestamp : null);
                }
                if (top is null)
                {
                    break;
                }
                ref readonly var entry = ref top.Current;
                var line = top.CurrentLine;
                if (dedup.IsDuplicate(top, entry.TimestampNanos, line))
                {
                    duplicates++;
                }
                else if (interval > 0 && anyReturned && (backward
                    ? entry.TimestampNanos > lastReturned - interval
                    : entry.TimestampNanos < lastReturned + interval))
                {
                    // Loki's `interval`: closer than the interval to the last returned entry (of any stream); skipped,
                    // and not counted toward the limit.
                }
                else
                {
                    anyReturned = true;
                    lastReturned = entry.TimestampNanos;
                    var copiedLine = arena.Copy(line);
                    dedup.Remember(top, entry.TimestampNanos, copiedLine);
                    Labels labels;
                    LogEntry copy;
                    Labels? parsed = null;
                    if (top.CurrentLabels is { } result)
                    {
                        // Categorized: streams by their stream labels, each entry with its metadata and parsed labels.
                        labels = request.CategorizeLabels ? result.Stream : result.All;
                        copy = new LogEntry(entry.TimestampNanos, copiedLine, request.CategorizeLabels ? result.StructuredMetadataPairs : default);
                        parsed = request.CategorizeLabels ? result.Parsed : null;
                    }
                    else
                    {
                        copy = new LogEntry(entry.TimestampNanos, copiedLine, CopyMetadata(entry.StructuredMetadata));
                        labels = request.CategorizeLabels || copy.StructuredMetadata.IsEmpty
                            ? top.Labels
                            : MergeMetadataIntoLabels(top.Labels, copy.StructuredMetadata.Span);
                    }
                    if (!builders.TryGetValue(labels, out var builder))
                    {
                        builders[labels] = builder = new StreamBuilder(labels);
                    }
                    builder.Add(copy, parsed);
                    returned++;
                }
                if (top.MoveNext(token))
                {
                    heap.DequeueEnqueue(top, MergeKey.Of(top));
                }
                else
                {
                    heap.Dequeue();
                }
            }
        }
        finally
        {
            foreach (var c in cursors)
            {
                c.Dispose();
            }
        }

        var streams = new List<StreamResult>(builders.Count);
        foreach (var b in builders.Values)
        {
            streams.Add(new StreamResult(b.Labels, b.Entries, b.Parsed));
        }
        // Loki's frontend orders result streams by label string, descending for backward queries.
        streams.Sort((a, b) => backward
            ? LabelStringOrder.Instance.Compare(b.Labels.ToString(), a.Labels.ToString())
            : LabelStringOrder.Instance.Compare(a.Labels.ToString(), b.Labels.ToString()));
        return (streams, counters, returned, duplicates);
    }

    private static ReadOnlyMemory<LabelPair> CopyMetadata(ReadOnlyMemory<LabelPair> metadata) =>
        metadata.IsEmpty ? ReadOnlyMemory<LabelPair>.Empty : metadata.ToArray();

    /// <summary>
    /// Without <c>categorize-labels</c>, Loki returns structured metadata as stream labels; a name that clashes
    /// with a stream label is renamed with the suffix <c>_extracted</c>, and a later pair overrides an earlier one.
    /// </summary>
    internal static Labels MergeMetadataIntoLabels(Labels stream, ReadOnlySpan<LabelPair> metadata)
    {
        var pairs = new List<LabelPair>(stream.Count + metadata.Length);
        foreach (var p in stream.Pairs)
        {
            pairs.Add(p);
        }
        var streamCount = pairs.Count;
        foreach (var p in metadata)
        {
            var name = stream.Has(p.Name) ? p.Name + "_extracted" : p.Name;
            var replaced = false;
            for (var i = streamCount; i < pairs.Count; i++)
            {
                if (pairs[i].Name == name)
                {
                    pairs[i] = new LabelPair(name, p.Value);
                    replaced = true;
                    break;
                }
            }
            if (!replaced)
            {
                pairs.Add(new LabelPair(name, p.Value));
            }
        }
        return Labels.Create(pairs.ToArray());
    }

    private sealed class StreamBuilder(Labels labels)
    {
        public Labels Labels { get; } = labels;

        public List<LogEntry> Entries { get; } = [];

        /// <summary>Parsed labels per entry, created when the first entry with any arrives.</summary>
        public List<Labels>? Parsed { get; private set; }

        public void Add(LogEntry entry, Labels? parsed)
        {
            if (parsed is { Count: > 0 } && Parsed is null)
            {
                Parsed = new List<Labels>(Entries.Count + 1);
                for (var i = 0; i < Entries.Count; i++)
                {
                    Parsed.Add(Core.Model.Labels.Empty);
                }
            }
            Entries.Add(entry);
            Parsed?.Add(parsed ?? Core.Model.Labels.Empty);
        }
    }

    /// <summary>Heap key: time in query direction, then stream fingerprint, then cursor ordinal.</summary>
    private readonly record struct MergeKey(long Timestamp, ulong Fingerprint, int Ordinal)
    {
        public static MergeKey Of(MergeCursor c) => new(c.Current.TimestampNanos, c.Fingerprint, c.Ordinal);

        public static IComparer<MergeKey> ForwardOrder { get; } = Comparer<MergeKey>.Create(static (a, b) =>
        {
            var c = a.Timestamp.CompareTo(b.Timestamp);
            return c != 0 ? c : Tie(a, b);
        });

        public static IComparer<MergeKey> BackwardOrder { get; } = Comparer<MergeKey>.Create(static (a, b) =>
        {
            var c = b.Timestamp.CompareTo(a.Timestamp);
            return c != 0 ? c : Tie(a, b);
        });

        private static int Tie(MergeKey a, MergeKey b)
        {
            var c = a.Fingerprint.CompareTo(b.Fingerprint);
            return c != 0 ? c : a.Ordinal.CompareTo(b.Ordinal);
        }
    }

    /// <summary>
    /// Remembers the entries returned for the current (stream, timestamp). Because the heap orders ties by
    /// fingerprint, all entries of one stream at one timestamp leave the heap together, so a small window suffices.
    /// </summary>
    private sealed class DuplicateWindow
    {
        private readonly List<ReadOnlyMemory<byte>> _lines = [];
        private Labels? _labels;
        private long _timestamp;

        public bool IsDuplicate(MergeCursor cursor, long timestamp, ReadOnlySpan<byte> line)
        {
            if (_labels is null || timestamp != _timestamp || !SameStream(cursor))
            {
                return false;
            }
            foreach (var seen in _lines)
            {
                if (seen.Span.SequenceEqual(line))
                {
                    return true;
                }
            }
            return false;
        }

        public void Remember(MergeCursor cursor, long timestamp, ReadOnlyMemory<byte> line)
        {
            if (_labels is null || timestamp != _timestamp || !SameStream(cursor))
            {
                _labels = cursor.Labels;
                _timestamp = timestamp;
                _lines.Clear();
            }
            _lines.Add(line);
        }

        private bool SameStream(MergeCursor cursor) =>
            ReferenceEquals(_labels, cursor.Labels) || (_labels!.Fingerprint == cursor.Fingerprint && _labels.Equals(cursor.Labels));
    }
}
