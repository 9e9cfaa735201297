namespace Loggia.Storage.TermIndex;

/// <summary>
/// Counts, for one hour of a block being written, how many lines contain each term hash: open addressing over
/// parallel arrays (hash, count, last line), so a term repeated within a line counts once and nothing is allocated
/// per line. Zero marks an empty slot; the hash 0 itself is tracked apart.
/// </summary>
internal sealed class TermLineCounter
{
    private const int InitialCapacity = 1 << 10;
    private ulong[] _hashes = new ulong[InitialCapacity];
    private uint[] _counts = new uint[InitialCapacity];
    private int[] _lastLine = new int[InitialCapacity];
    private int _used;
    private uint _zeroCount;
    private int _zeroLastLine = -1;

    /// <summary>Distinct hashes counted.</summary>
    public int Count => _used + (_zeroCount > 0 ? 1 : 0);

    /// <summary>Counts <paramref name="hash"/> for line number <paramref name="line"/> (once per line).</summary>
    public void Add(ulong hash, int line)
    {
        if (hash == 0)
        {
            if (_zeroLastLine != line)
            {
                _zeroLastLine = line;
                _zeroCount++;
            }

            return;
        }

        var mask = _hashes.Length - 1;
        var i = (int)hash & mask;
        while (true)
        {
            var slot = _hashes[i];
            if (slot == hash)
            {
                if (_lastLine[i] != line)
                {
                    _lastLine[i] = line;
                    _counts[i]++;
                }

                return;
            }

            if (slot == 0)
            {
                _hashes[i] = hash;
                _counts[i] = 1;
                _lastLine[i] = line;
                // Keep the load at most one half, so probes stay short.
                if (++_used * 2 > _hashes.Length)
                {
                    Grow();
                }

                return;
            }

            i = (i + 1) & mask;
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

        for (var i = 0; i < _hashes.Length; i++)
        {
            if (_hashes[i] != 0)
            {
                hashes[n] = _hashes[i];
                lines[n++] = _counts[i];
            }
        }

        Array.Sort(hashes, lines);
        return (hashes, lines);
    }

    private void Grow()
    {
        var oldHashes = _hashes;
        var oldCounts = _counts;
        var oldLast = _lastLine;
        _hashes = new ulong[oldHashes.Length * 2];
        _counts = new uint[_hashes.Length];
        _lastLine = new int[_hashes.Length];
        var mask = _hashes.Length - 1;
        for (var j = 0; j < oldHashes.Length; j++)
        {
            var hash = oldHashes[j];
            if (hash == 0)
            {
                continue;
            }

            var i = (int)hash & mask;
            while (_hashes[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _hashes[i] = hash;
            _counts[i] = oldCounts[j];
            _lastLine[i] = oldLast[j];
        }
    }
}
