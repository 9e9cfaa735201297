using Loggia.Storage.Catalog;

namespace Loggia.Storage.Compaction;

/// <summary>
/// Chooses which blocks to merge: blocks of one tenant whose data starts in the same hour (the block tree's
/// partition) and that are smaller than the target size are taken in time order into runs whose total stays within
/// the target; each run of at least two blocks becomes one merge. Blocks at or over the target are left alone.
/// </summary>
public static class CompactionPlanner
{
    private const long HourNanos = 3_600_000_000_000;

    /// <summary>The merges for <paramref name="blocks"/>, each at most <paramref name="maxInputs"/> blocks.</summary>
    public static IReadOnlyList<IReadOnlyList<BlockInfo>> Plan(IReadOnlyList<BlockInfo> blocks, long targetBytes, int maxInputs)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputs, 2);
        var partitions = new Dictionary<(string Tenant, long Hour), List<BlockInfo>>();
        foreach (var block in blocks)
        {
            if (block.Bytes >= targetBytes)
            {
                continue;
            }

            var key = (block.Tenant, Math.DivRem(block.MinTimeNanos, HourNanos).Quotient);
            if (!partitions.TryGetValue(key, out var partition))
            {
                partition = [];
                partitions.Add(key, partition);
            }

            partition.Add(block);
        }

        var merges = new List<IReadOnlyList<BlockInfo>>();
        foreach (var partition in partitions.Values)
        {
            partition.Sort(static (a, b) => a.MinTimeNanos != b.MinTimeNanos ? a.MinTimeNanos.CompareTo(b.MinTimeNanos) : string.CompareOrdinal(a.Id, b.Id));
            var run = new List<BlockInfo>();
            long runBytes = 0;
            foreach (var block in partition)
            {
                if (run.Count > 0 && (runBytes + block.Bytes > targetBytes || run.Count == maxInputs))
                {
                    AddIfMerge(merges, run);
                    run = [];
                    runBytes = 0;
                }

                run.Add(block);
                runBytes += block.Bytes;
            }

            AddIfMerge(merges, run);
        }

        // Oldest partitions first: they no longer receive flushes, so their merges are final.
        merges.Sort(static (a, b) => a[0].MinTimeNanos.CompareTo(b[0].MinTimeNanos));
        return merges;
    }

    private static void AddIfMerge(List<IReadOnlyList<BlockInfo>> merges, List<BlockInfo> run)
    {
        if (run.Count >= 2)
        {
            merges.Add(run);
        }
    }
}
