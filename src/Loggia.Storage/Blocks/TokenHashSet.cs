namespace Loggia.Storage.Blocks;

/// <summary>
/// The distinct 64-bit token hashes of a row group, for sizing and filling its bloom filter. Adding must be cheap:
/// a flush adds every term of every line (tens per line, most of them repeats), and a table of all distinct hashes
/// (megabytes for a row group of fresh ids) costs a cache miss per new term. So an added hash is only appended to one
/// of 256 partitions chosen by its top byte (256 append points stay in the first-level cache); a partition is
/// de-duplicated in place — with a small table that fits the cache — when it fills, and all of them when the count
/// is asked for. Zero is tracked apart (the table's empty slot).
/// </summary>
internal sealed class TokenHashSet
{
    private const int PartitionCount = 256;
    private const int InitialPartitionCapacity = 64;
    private readonly ulong[][] _partitions = new ulong[PartitionCount][];
    private readonly int[] _lengths = new int[PartitionCount];

    /// <summary>Per partition, how many leading hashes are known distinct (the rest were appended since).</summary>
    private readonly int[] _distinctPrefix = new int[PartitionCount];
    private ulong[] _table = new ulong[1024];
    private bool _hasZero;

    public TokenHashSet()
    {
        for (var p = 0; p < PartitionCount; p++)
        {
            _partitions[p] = new ulong[InitialPartitionCapacity];
        }
    }

    /// <summary>Distinct hashes added.</summary>
    public int Count
    {
        get
        {
            var count = _hasZero ? 1 : 0;
            for (var p = 0; p < PartitionCount; p++)
            {
                count += DistinctLength(p);
            }

            return count;
        }
    }

    public void Add(ulong hash)
    {
        if (hash == 0)
        {
            _hasZero = true;
            return;
        }

        var p = (int)(hash >> 56);
        var length = _lengths[p];
        var partition = _partitions[p];
        if (length == partition.Length)
        {
            partition = MakeRoom(p);
            length = _lengths[p];
        }

        partition[length] = hash;
        _lengths[p] = length + 1;
    }

    /// <summary>Adds every hash of the set to <paramref name="into"/>.</summary>
    public void AddAllTo(TokenBloomFilter into)
    {
        if (_hasZero)
        {
            into.Add(0);
        }

        for (var p = 0; p < PartitionCount; p++)
        {
            var distinct = DistinctLength(p);
            foreach (var hash in _partitions[p].AsSpan(0, distinct))
            {
                into.Add(hash);
            }
        }
    }

    /// <summary>Empties the set, keeping its buffers (row groups of one block have similar token counts).</summary>
    public void Clear()
    {
        Array.Clear(_lengths);
        Array.Clear(_distinctPrefix);
        _hasZero = false;
    }

    /// <summary>De-duplicates a full partition; doubles it when that freed less than half of it.</summary>
    private ulong[] MakeRoom(int p)
    {
        var partition = _partitions[p];
        var distinct = DistinctLength(p);
        if (distinct * 2 > partition.Length)
        {
            Array.Resize(ref _partitions[p], partition.Length * 2);
            partition = _partitions[p];
        }

        return partition;
    }

    /// <summary>Removes the repeats from partition <paramref name="p"/> in place; returns its distinct count.</summary>
    private int DistinctLength(int p)
    {
        var length = _lengths[p];
        if (_distinctPrefix[p] == length)
        {
            return length;
        }

        // The table holds at most half its slots, so probes stay short; the low bits of a hash are uniform.
        var size = 128;
        while (size < length * 2)
        {
            size *= 2;
        }

        if (_table.Length < size)
        {
            _table = new ulong[size];
        }

        var table = _table.AsSpan(0, size);
        table.Clear();
        var mask = size - 1;
        var hashes = _partitions[p].AsSpan(0, length);
        var distinct = 0;
        foreach (var hash in hashes)
        {
            var i = (int)hash & mask;
            while (true)
            {
                var slot = table[i];
                if (slot == hash)
                {
                    break;
                }

                if (slot == 0)
                {
                    table[i] = hash;
                    hashes[distinct++] = hash; // distinct never passes the read position: in place is safe
                    break;
                }

                i = (i + 1) & mask;
            }
        }

        _lengths[p] = distinct;
        _distinctPrefix[p] = distinct;
        return distinct;
    }
}
