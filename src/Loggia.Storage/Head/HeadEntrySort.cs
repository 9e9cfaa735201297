namespace Loggia.Storage.Head;

/// <summary>Ordering helpers over entry arrays: binary search, a stable sort and a stable merge by timestamp.</summary>
internal static class HeadEntrySort
{
    /// <summary>The first index in [start, end) whose timestamp is at least <paramref name="timestampNanos"/> (sorted input).</summary>
    public static int LowerBound(HeadEntry[] entries, int start, int end, long timestampNanos)
    {
        int lo = start;
        int hi = end;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (entries[mid].TimestampNanos < timestampNanos)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>The first index in [start, end) whose timestamp is greater than <paramref name="timestampNanos"/> (sorted input).</summary>
    public static int UpperBound(HeadEntry[] entries, int start, int end, long timestampNanos)
    {
        int lo = start;
        int hi = end;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (entries[mid].TimestampNanos <= timestampNanos)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// A new array with entries [start, start + count) sorted by timestamp; equal timestamps keep their order (the
    /// arrival order), so reads are deterministic.
    /// </summary>
    public static HeadEntry[] SortedCopy(HeadEntry[] entries, int start, int count)
    {
        // Array.Sort is not stable: sort (timestamp, position) keys, which are all distinct, then gather.
        var keys = new SortKey[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = new SortKey(entries[start + i].TimestampNanos, start + i);
        }

        Array.Sort(keys);
        var sorted = new HeadEntry[count];
        for (int i = 0; i < count; i++)
        {
            sorted[i] = entries[keys[i].Position];
        }

        return sorted;
    }

    /// <summary>Merges two sorted runs; on equal timestamps the entries of <paramref name="left"/> come first.</summary>
    public static HeadEntry[] Merge(ReadOnlySpan<HeadEntry> left, ReadOnlySpan<HeadEntry> right)
    {
        var merged = new HeadEntry[left.Length + right.Length];
        int l = 0;
        int r = 0;
        int o = 0;
        while (l < left.Length && r < right.Length)
        {
            merged[o++] = right[r].TimestampNanos < left[l].TimestampNanos ? right[r++] : left[l++];
        }

        left[l..].CopyTo(merged.AsSpan(o));
        o += left.Length - l;
        right[r..].CopyTo(merged.AsSpan(o));
        return merged;
    }

    private readonly record struct SortKey(long TimestampNanos, int Position) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            int byTime = TimestampNanos.CompareTo(other.TimestampNanos);
            return byTime != 0 ? byTime : Position.CompareTo(other.Position);
        }
    }
}
