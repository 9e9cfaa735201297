namespace Loggia.Storage.Blocks;

/// <summary>
/// A set of 64-bit token hashes for counting a row group's distinct tokens: open addressing with linear probing over
/// one <c>ulong[]</c> (8 bytes a slot, one cache line a probe, where <see cref="HashSet{T}"/> needs entries plus
/// buckets). The hashes are already uniform, so their low bits index the table directly. Zero marks an empty slot;
/// the hash 0 itself is tracked apart.
/// </summary>
internal sealed class TokenHashSet
{
    private const int InitialCapacity = 1 << 12;
    private ulong[] _slots = new ulong[InitialCapacity];
    private int _used;
    private bool _hasZero;

    /// <summary>Distinct hashes added.</summary>
    public int Count => _used + (_hasZero ? 1 : 0);

    public void Add(ulong hash)
    {
        if (hash == 0)
        {
            _hasZero = true;
            return;
        }

        var mask = _slots.Length - 1;
        var i = (int)hash & mask;
        while (true)
        {
            var slot = _slots[i];
            if (slot == hash)
            {
                return;
            }

            if (slot == 0)
            {
                _slots[i] = hash;
                // Keep the load at most one half, so probes stay short.
                if (++_used * 2 > _slots.Length)
                {
                    Grow();
                }

                return;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds every hash of the set to <paramref name="into"/>.</summary>
    public void AddAllTo(TokenBloomFilter into)
    {
        if (_hasZero)
        {
            into.Add(0);
        }

        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                into.Add(slot);
            }
        }
    }

    /// <summary>Empties the set, keeping its table (row groups of one block have similar token counts).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _used = 0;
        _hasZero = false;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var hash in old)
        {
            if (hash == 0)
            {
                continue;
            }

            var i = (int)hash & mask;
            while (_slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _slots[i] = hash;
        }
    }
}
