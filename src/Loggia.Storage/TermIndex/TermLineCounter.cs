using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// Counts, for one hour of a block being written, how many lines contain each term hash: open addressing over one
/// array of slots (hash, count, last line), so a new term costs one cache miss, a term repeated within a line counts
/// once and nothing is allocated per line. Because a slot remembers the last line holding its hash, it also tells
/// whether a hash is new to the current row group — the row-group bloom filters are filled from that, without a
/// table of their own. Zero marks an empty slot; the hash 0 itself is tracked apart.
/// </summary>
internal sealed class TermLineCounter
{
    private const int InitialCapacity = 1 << 10;
    private Slot[] _slots = new Slot[InitialCapacity];
    private int _used;
    private uint _zeroCount;
    private int _zeroLastLine = -1;

    /// <summary>Distinct hashes counted.</summary>
    public int Count => _used + (_zeroCount > 0 ? 1 : 0);

    /// <summary>
    /// Counts <paramref name="hash"/> for line number <paramref name="line"/> (once per line); returns whether no
    /// line from <paramref name="rowGroupStart"/> on held it before (lines are numbered in write order).
    /// </summary>
    public bool Add(ulong hash, int line, int rowGroupStart)
    {
        if (hash == 0)
        {
            var previous = _zeroLastLine;
            if (previous != line)
            {
                _zeroLastLine = line;
                _zeroCount++;
            }

            return previous < rowGroupStart;
        }

        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (true)
        {
            ref var slot = ref slots[i];
            if (slot.Hash == hash)
            {
                var previous = slot.LastLine;
                if (previous != line)
                {
                    slot.LastLine = line;
                    slot.Lines++;
                }

                return previous < rowGroupStart;
            }

            if (slot.Hash == 0)
            {
                slot.Hash = hash;
                slot.Lines = 1;
                slot.LastLine = line;
                // Keep the load at most one half, so probes stay short.
                if (++_used * 2 > slots.Length)
                {
                    Grow();
                }

                return true;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>
    /// Asks the CPU to fetch the slot <paramref name="hash"/> probes first. A table of a busy hour's terms is tens of
    /// megabytes, so most new terms miss the cache: prefetching a line's terms before counting them overlaps the misses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(ulong hash)
    {
        if (Sse.IsSupported)
        {
            fixed (Slot* slots = _slots)
            {
                Sse.Prefetch0(slots + ((int)hash & (_slots.Length - 1)));
            }
        }
    }

    /// <summary>The hashes in ascending order with their line counts.</summary>
    public (ulong[] Hashes, uint[] Lines) ToSorted()
    {
        var hashes = new ulong[Count];
        var lines = new uint[hashes.Length];
        var n = 0;
        if (_zeroCount > 0)
        {
            hashes[n] = 0;
            lines[n++] = _zeroCount;
        }

        foreach (ref readonly var slot in _slots.AsSpan())
        {
            if (slot.Hash != 0)
            {
                hashes[n] = slot.Hash;
                lines[n++] = slot.Lines;
            }
        }

        Array.Sort(hashes, lines);
        return (hashes, lines);
    }

    private void Grow()
    {
        var old = _slots;
        var slots = new Slot[old.Length * 2];
        var mask = slots.Length - 1;
        foreach (ref readonly var slot in old.AsSpan())
        {
            if (slot.Hash == 0)
            {
                continue;
            }

            var i = (int)slot.Hash & mask;
            while (slots[i].Hash != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = slot;
        }

        _slots = slots;
    }

    /// <summary>One table slot: 16 bytes, so a probe touches one cache line.</summary>
    private struct Slot
    {
        public ulong Hash;
        public uint Lines;
        public int LastLine;
    }
}
