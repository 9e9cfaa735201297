using Loggia.Storage.Blocks;

namespace Loggia.Storage.Compaction;

/// <summary>
/// Merges the streams read from several blocks into one stream list for <see cref="BlockWriter"/>: a stream present
/// in several blocks (the same label set) becomes one stream whose entries are in timestamp order, entries of equal
/// timestamps in the order of the input blocks. Nothing is dropped or deduplicated: a merge changes no answer.
/// </summary>
public static class StreamMerger
{
    /// <summary>The merged streams of <paramref name="blocks"/> (each block's streams as read, in time order within a stream).</summary>
    public static List<BlockStreamInput> Merge(IReadOnlyList<IReadOnlyList<BlockStreamInput>> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        var byLabels = new Dictionary<string, List<BlockStreamInput>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var block in blocks)
        {
            foreach (var stream in block)
            {
                if (!byLabels.TryGetValue(stream.LabelsText, out var parts))
                {
                    parts = [];
                    byLabels.Add(stream.LabelsText, parts);
                    order.Add(stream.LabelsText);
                }

                parts.Add(stream);
            }
        }

        var merged = new List<BlockStreamInput>(order.Count);
        foreach (var labels in order)
        {
            var parts = byLabels[labels];
            merged.Add(parts.Count == 1 ? parts[0] : parts[0] with { Entries = MergeEntries(parts) });
        }

        return merged;
    }

    /// <summary>A k-way merge of time-ordered entry lists; ties keep the order of the parts.</summary>
    private static List<BlockEntry> MergeEntries(List<BlockStreamInput> parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part.Entries.Count;
        }

        var result = new List<BlockEntry>(total);
        var positions = new int[parts.Count];
        while (result.Count < total)
        {
            var best = -1;
            for (var p = 0; p < parts.Count; p++)
            {
                if (positions[p] < parts[p].Entries.Count
                    && (best < 0 || parts[p].Entries[positions[p]].TimestampNanos < parts[best].Entries[positions[best]].TimestampNanos))
                {
                    best = p;
                }
            }

            result.Add(parts[best].Entries[positions[best]++]);
        }

        return result;
    }
}
