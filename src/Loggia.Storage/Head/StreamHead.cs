using Loggia.Core.Model;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Head;

/// <summary>
/// One stream's entries in the head: sealed chunks (sorted, immutable) and one open chunk, behind one lock.
/// </summary>
/// <remarks>
/// A whole batch of entries for the stream is appended under one lock acquisition. Chunks being flushed are always a
/// prefix of <see cref="_sealed"/> (a flush seals the open chunk and takes every sealed chunk), so completing a flush
/// removes that prefix and leaves whatever was appended meanwhile.
/// </remarks>
internal sealed class StreamHead
{
    private readonly Lock _lock = new();
    private readonly List<HeadChunk> _sealed = [];
    private readonly HeadArena _arena = new();
    private HeadChunk? _open;

    // Loki keeps these per stream, across flushed chunks: the newest timestamp (for the out-of-order cutoff) and
    // the last appended line (for its cheapest duplicate check).
    private bool _hasEntries;
    private long _highestTimestamp;
    private long _lastTimestamp;
    private ReadOnlyMemory<byte> _lastLine;

    private long _lastAppendTicks;
    private bool _hasFilledChunk;
    private int _flushingChunks;
    private bool _removed;

    public StreamHead(Labels labels, ulong fingerprint, long createdAtTicks)
    {
        Labels = labels;
        Fingerprint = fingerprint;
        _lastAppendTicks = createdAtTicks;
    }

    public Labels Labels { get; }

    public ulong Fingerprint { get; }

    /// <summary>Set once the tenant dropped this (empty, idle) stream; lookups skip it and create a new one.</summary>
    public bool IsRemoved => Volatile.Read(ref _removed);

    /// <summary>Appends a batch; returns false (and changes nothing) if the stream was removed from its tenant.</summary>
    public bool Append(ReadOnlySpan<LogEntry> entries, Span<HeadAppendOutcome> outcomes, in AppendContext context, ref AppendTotals totals)
    {
        lock (_lock)
        {
            if (_removed)
            {
                return false;
            }

            _lastAppendTicks = context.NowTicks;
            for (int i = 0; i < entries.Length; i++)
            {
                HeadAppendOutcome outcome = AppendOne(in entries[i], i, entries.Length - i, in context, ref totals);
                if (!outcomes.IsEmpty)
                {
                    outcomes[i] = outcome;
                }
            }

            return true;
        }
    }

    private HeadAppendOutcome AppendOne(in LogEntry entry, int index, int remaining, in AppendContext context, ref AppendTotals totals)
    {
        long ts = entry.TimestampNanos;
        ReadOnlySpan<byte> line = entry.Line.Span;

        // Loki's order: the last-line duplicate check, then the cutoff, then the chunk's own duplicate check.
        if (_hasEntries && ts == _lastTimestamp && line.SequenceEqual(_lastLine.Span))
        {
            totals.Duplicates++;
            return HeadAppendOutcome.Duplicate;
        }

        if (_hasEntries && !context.IsReplay)
        {
            long cutoff = _highestTimestamp - context.WindowNanos;
            if (cutoff > _highestTimestamp)
            {
                cutoff = long.MinValue; // underflow: nothing can be older than the window
            }

            if (ts < cutoff)
            {
                (totals.Rejections ??= []).Add(new HeadRejection(index, ts, cutoff));
                return HeadAppendOutcome.TooFarBehind;
            }
        }

        // An entry newer than everything cannot be a duplicate: the common in-order case skips the search.
        if (_hasEntries && ts <= _highestTimestamp && ContainsEntry(ts, line))
        {
            totals.Duplicates++;
            return HeadAppendOutcome.Duplicate;
        }

        ReadOnlyMemory<byte> ownedLine = _arena.Copy(line);
        ReadOnlyMemory<byte> metadata = ReadOnlyMemory<byte>.Empty;
        int size = line.Length;
        if (!entry.StructuredMetadata.IsEmpty)
        {
            size += entry.StructuredMetadataSize;
            metadata = _arena.Copy(entry.StructuredMetadata.Span);
        }

        HeadChunk open = OpenChunk(in context, remaining);
        open.Add(new HeadEntry(ts, ownedLine, metadata), size, context.WalFloor);

        if (!_hasEntries || ts > _highestTimestamp)
        {
            _highestTimestamp = ts;
        }

        _hasEntries = true;
        _lastTimestamp = ts;
        _lastLine = ownedLine;
        totals.Appended++;
        totals.Bytes += size;
        return HeadAppendOutcome.Appended;
    }

    private HeadChunk OpenChunk(in AppendContext context, int remaining)
    {
        if (_open is { } open && open.Count < context.ChunkEntries)
        {
            return open;
        }

        if (_open is { } full)
        {
            full.Seal();
            _sealed.Add(full);
            _hasFilledChunk = true;
        }

        // A stream that has filled a chunk before will fill this one too: allocate it whole instead of regrowing.
        int capacity = _hasFilledChunk ? context.ChunkEntries : remaining;
        _open = new HeadChunk(context.NowTicks, capacity, context.ChunkEntries);
        return _open;
    }

    private bool ContainsEntry(long ts, ReadOnlySpan<byte> line)
    {
        foreach (HeadChunk chunk in _sealed)
        {
            if (chunk.Contains(ts, line))
            {
                return true;
            }
        }

        return _open is not null && _open.Contains(ts, line);
    }

    /// <summary>
    /// Adds the runs holding this stream's entries in [from, to] to <paramref name="runs"/>: zero-copy slices of
    /// sorted arrays, or a private sorted copy of the open chunk when it holds out-of-order entries.
    /// </summary>
    public void Capture(long fromNanos, long toNanos, List<HeadRun> runs)
    {
        HeadEntry[]? unsorted = null;
        int unsortedCount = 0;
        lock (_lock)
        {
            foreach (HeadChunk chunk in _sealed)
            {
                AddSortedRun(chunk, fromNanos, toNanos, runs);
            }

            if (_open is { Count: > 0 } open && open.MinTimestamp <= toNanos && open.MaxTimestamp >= fromNanos)
            {
                if (open.IsSorted)
                {
                    AddSortedRun(open, fromNanos, toNanos, runs);
                }
                else
                {
                    // Copy under the lock (the array may be replaced by a later append), sort outside it.
                    unsorted = open.Entries;
                    unsortedCount = open.Count;
                    unsorted = unsorted.AsSpan(0, unsortedCount).ToArray();
                }
            }
        }

        if (unsorted is not null)
        {
            HeadEntry[] sorted = HeadEntrySort.SortedCopy(unsorted, 0, unsortedCount);
            int lo = HeadEntrySort.LowerBound(sorted, 0, sorted.Length, fromNanos);
            int hi = HeadEntrySort.UpperBound(sorted, lo, sorted.Length, toNanos);
            if (hi > lo)
            {
                runs.Add(new HeadRun(sorted, lo, hi - lo));
            }
        }
    }

    private static void AddSortedRun(HeadChunk chunk, long fromNanos, long toNanos, List<HeadRun> runs)
    {
        if (chunk.Count == 0 || chunk.MinTimestamp > toNanos || chunk.MaxTimestamp < fromNanos)
        {
            return;
        }

        HeadEntry[] entries = chunk.Entries;
        int lo = HeadEntrySort.LowerBound(entries, 0, chunk.Count, fromNanos);
        int hi = HeadEntrySort.UpperBound(entries, lo, chunk.Count, toNanos);
        if (hi > lo)
        {
            runs.Add(new HeadRun(entries, lo, hi - lo));
        }
    }

    /// <summary>Whether the stream holds entries overlapping [from, to] (for the labels and series helpers).</summary>
    public bool Overlaps(long fromNanos, long toNanos)
    {
        lock (_lock)
        {
            foreach (HeadChunk chunk in _sealed)
            {
                if (chunk.MinTimestamp <= toNanos && chunk.MaxTimestamp >= fromNanos)
                {
                    return true;
                }
            }

            return _open is { Count: > 0 } open && open.MinTimestamp <= toNanos && open.MaxTimestamp >= fromNanos;
        }
    }

    /// <summary>Why this stream should be flushed now, or null (ignores a flush already in progress).</summary>
    public HeadFlushReason? FlushDue(long nowTicks, HeadOptions options)
    {
        lock (_lock)
        {
            HeadChunk? oldest = _sealed.Count > 0 ? _sealed[0] : _open is { Count: > 0 } ? _open : null;
            if (oldest is null)
            {
                return null;
            }

            if (nowTicks - oldest.CreatedAtTicks >= options.MaxChunkAge.Ticks)
            {
                return HeadFlushReason.MaxAge;
            }

            return nowTicks - _lastAppendTicks >= options.ChunkIdlePeriod.Ticks ? HeadFlushReason.Idle : null;
        }
    }

    /// <summary>Seals the open chunk and hands out every sealed chunk for flushing; empty if there is nothing.</summary>
    public HeadChunk[] BeginFlush()
    {
        lock (_lock)
        {
            if (_open is { Count: > 0 } open)
            {
                open.Seal();
                _sealed.Add(open);
                _open = null;
            }

            _flushingChunks = _sealed.Count;
            return _sealed.ToArray();
        }
    }

    /// <summary>Removes exactly the chunks a flush took; returns the entries and bytes removed.</summary>
    public (long Entries, long Bytes) CompleteFlush(HeadChunk[] flushed)
    {
        lock (_lock)
        {
            if (flushed.Length > _sealed.Count)
            {
                throw new InvalidOperationException("The flushed chunks are no longer in the stream.");
            }

            long entries = 0;
            long bytes = 0;
            for (int i = 0; i < flushed.Length; i++)
            {
                if (!ReferenceEquals(_sealed[i], flushed[i]))
                {
                    throw new InvalidOperationException("The flushed chunks are no longer in the stream.");
                }

                entries += flushed[i].Count;
                bytes += flushed[i].Bytes;
            }

            _sealed.RemoveRange(0, flushed.Length);
            _flushingChunks = 0;
            return (entries, bytes);
        }
    }

    public void AbortFlush()
    {
        lock (_lock)
        {
            _flushingChunks = 0;
        }
    }

    /// <summary>
    /// Marks the stream removed if it holds nothing and has been idle for <paramref name="idleTicks"/>; a concurrent
    /// append then sees the mark and recreates the stream in the tenant.
    /// </summary>
    public bool TryRemoveIfIdleAndEmpty(long nowTicks, long idleTicks)
    {
        lock (_lock)
        {
            if (_sealed.Count > 0 || _open is { Count: > 0 } || _flushingChunks > 0 || nowTicks - _lastAppendTicks < idleTicks)
            {
                return false;
            }

            Volatile.Write(ref _removed, true);
            return true;
        }
    }

    /// <summary>Lowers <paramref name="floor"/> to the WAL floor of every chunk still here.</summary>
    public void LowerWalFloor(ref WalPosition? floor)
    {
        lock (_lock)
        {
            foreach (HeadChunk chunk in _sealed)
            {
                Lower(chunk, ref floor);
            }

            if (_open is { Count: > 0 } open)
            {
                Lower(open, ref floor);
            }
        }

        static void Lower(HeadChunk chunk, ref WalPosition? floor)
        {
            if (floor is null || chunk.WalFloor < floor.Value)
            {
                floor = chunk.WalFloor;
            }
        }
    }
}

/// <summary>What an append needs to know beyond the entries; computed once per request.</summary>
internal readonly record struct AppendContext(long NowTicks, long WindowNanos, int ChunkEntries, WalPosition WalFloor, bool IsReplay);

/// <summary>Running totals of one append call.</summary>
internal struct AppendTotals
{
    public int Appended;
    public int Duplicates;
    public long Bytes;
    public List<HeadRejection>? Rejections;
}
