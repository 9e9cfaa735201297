using Loggia.Storage.Wal;

namespace Loggia.Storage.Head;

/// <summary>
/// A run of a stream's entries. The stream appends to one open chunk; once full it is sealed: sorted by timestamp
/// (stably, so equal timestamps keep arrival order) and never changed again.
/// </summary>
/// <remarks>
/// <para>
/// Input is mostly in order, so the open chunk is an append-only array that remembers whether it is still sorted.
/// An out-of-order entry is appended too and only clears <see cref="IsSorted"/>: it costs nothing at append time, and
/// the sort happens once at seal time (or on a query's private copy). Sorting never rewrites the array in place: it
/// builds a new one, and growth copies into a new one. So a query that captured the array and a count under the
/// stream lock can read that prefix later without the lock, and sealed chunks are shared freely.
/// </para>
/// <para>Not thread-safe: the owning <see cref="StreamHead"/>'s lock guards every mutation.</para>
/// </remarks>
internal sealed class HeadChunk
{
    private const int MinCapacity = 64;

    private readonly int _maxCapacity;
    private HeadEntry[] _entries;
    private int _count;

    /// <param name="createdAtTicks">When the first entry arrives (UTC ticks).</param>
    /// <param name="capacityHint">Entries expected soon (the rest of the batch), so a large batch does not regrow the array.</param>
    /// <param name="maxCapacity">The chunk's entry limit: growth stops there.</param>
    public HeadChunk(long createdAtTicks, int capacityHint, int maxCapacity)
    {
        _maxCapacity = maxCapacity;
        _entries = new HeadEntry[Math.Clamp(capacityHint, Math.Min(MinCapacity, maxCapacity), maxCapacity)];
        CreatedAtTicks = createdAtTicks;
        MinTimestamp = long.MaxValue;
        MaxTimestamp = long.MinValue;
        WalFloor = new WalPosition(ulong.MaxValue, long.MaxValue);
    }

    /// <summary>The entries array; only the first <see cref="Count"/> are valid, and they never change.</summary>
    public HeadEntry[] Entries => _entries;

    public int Count => _count;

    /// <summary>Whether the first <see cref="Count"/> entries are in non-decreasing timestamp order.</summary>
    public bool IsSorted { get; private set; } = true;

    public bool IsSealed { get; private set; }

    public long MinTimestamp { get; private set; }

    public long MaxTimestamp { get; private set; }

    /// <summary>Line plus structured-metadata bytes of the entries, as Loki counts entry size.</summary>
    public long Bytes { get; private set; }

    /// <summary>When the first entry arrived (UTC ticks), for <see cref="HeadOptions.MaxChunkAge"/>.</summary>
    public long CreatedAtTicks { get; }

    /// <summary>
    /// No entry of this chunk came from a WAL record before this position: the lowest floor passed with its appends.
    /// </summary>
    public WalPosition WalFloor { get; private set; }

    public void Add(in HeadEntry entry, int size, WalPosition walFloor)
    {
        if (_count == _entries.Length)
        {
            // A new array, never an in-place resize: snapshots may still read the old one.
            var grown = new HeadEntry[Math.Min(_entries.Length * 2, _maxCapacity)];
            Array.Copy(_entries, grown, _count);
            _entries = grown;
        }

        long ts = entry.TimestampNanos;
        if (_count > 0 && ts < _entries[_count - 1].TimestampNanos)
        {
            IsSorted = false;
        }

        _entries[_count++] = entry;
        MinTimestamp = Math.Min(MinTimestamp, ts);
        MaxTimestamp = Math.Max(MaxTimestamp, ts);
        Bytes += size;
        if (walFloor < WalFloor)
        {
            WalFloor = walFloor;
        }
    }

    /// <summary>Sorts (into a new array) if needed and freezes the chunk.</summary>
    public void Seal()
    {
        if (!IsSorted)
        {
            _entries = HeadEntrySort.SortedCopy(_entries, 0, _count);
            IsSorted = true;
        }

        IsSealed = true;
    }

    /// <summary>Whether an entry with this timestamp and line is already here (Loki's duplicate rule).</summary>
    public bool Contains(long timestampNanos, ReadOnlySpan<byte> line)
    {
        if (_count == 0 || timestampNanos < MinTimestamp || timestampNanos > MaxTimestamp)
        {
            return false;
        }

        HeadEntry[] entries = _entries;
        if (IsSorted)
        {
            for (int i = HeadEntrySort.LowerBound(entries, 0, _count, timestampNanos); i < _count && entries[i].TimestampNanos == timestampNanos; i++)
            {
                if (line.SequenceEqual(entries[i].Line.Span))
                {
                    return true;
                }
            }

            return false;
        }

        for (int i = 0; i < _count; i++)
        {
            if (entries[i].TimestampNanos == timestampNanos && line.SequenceEqual(entries[i].Line.Span))
            {
                return true;
            }
        }

        return false;
    }
}
