namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// A per-processor map from UTF-8 byte strings to values, looked up by span without allocating. Parsers use it to
/// turn repeated keys and values into the same <see cref="string"/> instances, so a scan allocates a string only
/// the first time it sees it. Bounded: past <see cref="Capacity"/> entries, lookups of new keys simply miss, so
/// high-cardinality values (ids, timestamps) cost one string each but never grow the cache.
/// </summary>
internal sealed class Utf8Cache<TValue>
{
    /// <summary>Loki caps its per-parser key cache at 1024 entries; values are more varied, so allow more.</summary>
    public const int Capacity = 4096;

    /// <summary>Longer keys are not cached: they are rarely repeated and would bloat the cache.</summary>
    public const int MaxKeyLength = 256;

    private int[] _buckets = new int[64];
    private Entry[] _entries = new Entry[64];
    private int _count;

    private struct Entry
    {
        public int Hash;
        public int Next;
        public byte[] Key;
        public TValue Value;
    }

    public bool TryGet(ReadOnlySpan<byte> key, out TValue value)
    {
        var hash = Hash(key);
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; i >= 0; i = _entries[i].Next)
        {
            ref var e = ref _entries[i];
            if (e.Hash == hash && key.SequenceEqual(e.Key))
            {
                value = e.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    public void Add(ReadOnlySpan<byte> key, TValue value)
    {
        if (_count >= Capacity || key.Length > MaxKeyLength)
        {
            return;
        }
        if (_count == _entries.Length)
        {
            Grow();
        }
        var hash = Hash(key);
        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        _entries[_count] = new Entry { Hash = hash, Next = bucket - 1, Key = key.ToArray(), Value = value };
        bucket = ++_count;
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref _buckets[_entries[i].Hash & (size - 1)];
            _entries[i].Next = bucket - 1;
            bucket = i + 1;
        }
    }

    private static int Hash(ReadOnlySpan<byte> key)
    {
        var h = new HashCode();
        h.AddBytes(key);
        return h.ToHashCode();
    }
}
