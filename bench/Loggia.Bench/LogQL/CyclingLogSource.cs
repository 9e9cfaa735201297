using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Bench.LogQL;

/// <summary>
/// One stream of <see cref="Count"/> entries cycling through a <see cref="LineCorpus"/>, one entry every
/// <see cref="IntervalNanos"/>, handed out in reused batches of 4096: the engine sees decompressed data in memory,
/// so the benchmark measures query execution alone.
/// </summary>
internal sealed class CyclingLogSource : ILogSource
{
    private readonly Labels _labels;
    private readonly LineCorpus _corpus;

    public CyclingLogSource(Labels labels, LineCorpus corpus, long count, long startNanos, long intervalNanos)
    {
        _labels = labels;
        _corpus = corpus;
        Count = count;
        MinTimeNanos = startNanos;
        IntervalNanos = intervalNanos;
    }

    public long Count { get; }

    public long IntervalNanos { get; }

    public long MinTimeNanos { get; }

    public long MaxTimeNanos => MinTimeNanos + ((Count - 1) * IntervalNanos);

    public IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken) =>
        request.StreamMatcher.Matches(_labels) ? [new Cursor(this, request)] : [];

    private sealed class Cursor(CyclingLogSource source, LogScanRequest request) : IStreamCursor
    {
        private readonly LogEntry[] _batch = new LogEntry[4096];
        private readonly bool _backward = request.Direction == QueryDirection.Backward;
        private long _next;

        public Labels Labels => source._labels;

        public bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch)
        {
            var n = 0;
            while (n < _batch.Length && _next < source.Count)
            {
                var i = _backward ? source.Count - 1 - _next : _next;
                _next++;
                var ts = source.MinTimeNanos + (i * source.IntervalNanos);
                if (ts < request.StartNanos || ts >= request.EndNanos)
                {
                    continue;
                }
                _batch[n++] = new LogEntry(ts, source._corpus.Line((int)(i % source._corpus.Count)));
            }
            batch = _batch.AsMemory(0, n);
            return n > 0;
        }

        public void Dispose()
        {
        }
    }
}
