using Loggia.Core.Model;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Head;

/// <summary>
/// A consistent, sorted, indexable view of one stream's head entries in a time range, taken at one moment: later
/// appends and flushes do not change it. Index 0 is the oldest entry, so a backward query reads from
/// <see cref="Count"/> − 1 down. Equal timestamps keep arrival order.
/// </summary>
/// <remarks>
/// The view reads the head's own immutable arrays where it can (sorted chunks: no copy); only a chunk holding
/// out-of-order entries is copied and sorted for it, and only overlapping runs are merged into one array. Lines and
/// metadata are slices of head memory that is never rewritten, so they stay valid as long as the snapshot is held.
/// </remarks>
public sealed class HeadStreamSnapshot
{
    private readonly HeadRun[] _runs;

    /// <summary>Index of each run's first entry in the view, for runs after the first.</summary>
    private readonly int[] _runStarts;

    internal HeadStreamSnapshot(Labels labels, ulong fingerprint, List<HeadRun> runs)
    {
        Labels = labels;
        Fingerprint = fingerprint;
        _runs = Normalize(runs);
        _runStarts = new int[_runs.Length];
        int count = 0;
        for (int i = 0; i < _runs.Length; i++)
        {
            _runStarts[i] = count;
            count += _runs[i].Count;
        }

        Count = count;
    }

    /// <summary>The stream's labels.</summary>
    public Labels Labels { get; }

    /// <summary>The stream's fingerprint (not unique: compare <see cref="Labels"/> to tell streams apart).</summary>
    public ulong Fingerprint { get; }

    /// <summary>The number of entries in the view.</summary>
    public int Count { get; }

    /// <summary>The oldest timestamp in the view (the view is never empty).</summary>
    public long MinTimestamp => _runs[0].FirstTimestamp;

    /// <summary>The newest timestamp in the view.</summary>
    public long MaxTimestamp => _runs[^1].LastTimestamp;

    /// <summary>The timestamp (Unix nanoseconds) of entry <paramref name="index"/>.</summary>
    public long Timestamp(int index) => At(index).TimestampNanos;

    /// <summary>The line (UTF-8) of entry <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Line(int index) => At(index).Line;

    /// <summary>The structured metadata of entry <paramref name="index"/> (empty for most entries).</summary>
    /// <remarks>The head keeps metadata as bytes: each call builds the pairs (new strings the caller may keep).</remarks>
    public ReadOnlyMemory<LabelPair> Metadata(int index)
    {
        ReadOnlyMemory<byte> encoded = At(index).Metadata;
        return encoded.IsEmpty ? ReadOnlyMemory<LabelPair>.Empty : EntryMetadata.FromEncoded(encoded).ToLabelPairs();
    }

    private ref readonly HeadEntry At(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndex(index);
        }

        int run = 0;
        if (_runs.Length > 1)
        {
            // Few runs (usually one or two): a binary search over their starts.
            run = Array.BinarySearch(_runStarts, index);
            if (run < 0)
            {
                run = ~run - 1;
            }
        }

        HeadRun r = _runs[run];
        return ref r.Entries[r.Start + index - _runStarts[run]];
    }

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "outside the snapshot");

    /// <summary>
    /// Orders runs so that the view is sorted: runs that do not overlap are only put in time order (no copy); if any
    /// overlap (out-of-order data spread over chunks), all are merged into one array, oldest chunk first on ties.
    /// </summary>
    internal static HeadRun[] Normalize(List<HeadRun> runs)
    {
        if (runs.Count <= 1)
        {
            return runs.ToArray();
        }

        var ordered = runs.ToArray();

        // Stable insertion sort by first timestamp: there are few runs.
        for (int i = 1; i < ordered.Length; i++)
        {
            HeadRun current = ordered[i];
            int j = i - 1;
            while (j >= 0 && ordered[j].FirstTimestamp > current.FirstTimestamp)
            {
                ordered[j + 1] = ordered[j];
                j--;
            }

            ordered[j + 1] = current;
        }

        bool overlapping = false;
        for (int i = 1; i < ordered.Length; i++)
        {
            if (ordered[i].FirstTimestamp < ordered[i - 1].LastTimestamp)
            {
                overlapping = true;
                break;
            }
        }

        if (!overlapping)
        {
            return ordered;
        }

        // Merge in chunk (arrival) order so equal timestamps keep arrival order.
        HeadEntry[] merged = runs[0].Span.ToArray();
        for (int i = 1; i < runs.Count; i++)
        {
            merged = HeadEntrySort.Merge(merged, runs[i].Span);
        }

        return [new HeadRun(merged, 0, merged.Length)];
    }
}
