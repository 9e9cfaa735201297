using Loggia.Core.Model;
using Loggia.Parquet.Data;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Reads a block back into <see cref="BlockStreamInput"/>s, the form <see cref="BlockWriter"/> takes: for
/// rewriting a block without some of its rows (retention, deletes) or merging blocks (compaction).
/// </summary>
public static class BlockStreamReader
{
    /// <summary>
    /// The entries of every stream of the block at <paramref name="parquetPath"/> with a timestamp at or after
    /// <paramref name="keepFrom"/>(stream): <see cref="long.MinValue"/> keeps a whole stream,
    /// <see cref="long.MaxValue"/> none of it. Streams left empty are omitted; entries stay in block order.
    /// </summary>
    /// <exception cref="BlockCorruptException">The block cannot be read.</exception>
    public static IReadOnlyList<BlockStreamInput> Read(string parquetPath, BlockIndex index, Func<BlockStreamRange, long> keepFrom) =>
        Read(parquetPath, index, keepFrom, static _ => null);

    /// <summary>
    /// As <see cref="Read(string, BlockIndex, Func{BlockStreamRange, long})"/>, and also leaves out the rows that
    /// the stream's <paramref name="remove"/> filter (null: none) says to remove.
    /// </summary>
    /// <exception cref="BlockCorruptException">The block cannot be read.</exception>
    public static IReadOnlyList<BlockStreamInput> Read(string parquetPath, BlockIndex index, Func<BlockStreamRange, long> keepFrom, Func<BlockStreamRange, BlockRowFilter?> remove)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(keepFrom);
        ArgumentNullException.ThrowIfNull(remove);
        var cutoffs = new Dictionary<long, StreamState>();
        var chosen = new List<int>();
        var earliest = long.MaxValue;
        for (var s = 0; s < index.Streams.Count; s++)
        {
            var stream = index.Streams[s];
            var from = keepFrom(stream);
            if (from > stream.MaxTime)
            {
                continue;
            }
            chosen.Add(s);
            cutoffs[unchecked((long)stream.Fingerprint)] = new StreamState(stream, from, remove(stream), []);
            earliest = Math.Min(earliest, from);
        }
        if (chosen.Count == 0)
        {
            return [];
        }

        using (var reader = BlockReader.Open(parquetPath, index))
        {
            var batch = new RowBatch(BlockSchema.Schema, 4096);
            reader.Read(chosen, earliest, long.MaxValue, batch, b =>
            {
                Collect(b, cutoffs);
                return true;
            });
        }

        var result = new List<BlockStreamInput>(cutoffs.Count);
        foreach (var (range, _, _, entries) in cutoffs.Values)
        {
            if (entries.Count == 0)
            {
                continue;
            }
            var labels = Labels.Parse(range.Labels);
            var pairs = new List<KeyValuePair<string, string>>(labels.Count);
            foreach (var pair in labels.Pairs)
            {
                pairs.Add(new KeyValuePair<string, string>(pair.Name, pair.Value));
            }
            result.Add(new BlockStreamInput(range.Fingerprint, range.Labels, pairs, entries));
        }
        return result;
    }

    private sealed record StreamState(BlockStreamRange Range, long From, BlockRowFilter? Remove, List<BlockEntry> Entries);

    private static void Collect(RowBatch batch, Dictionary<long, StreamState> streams)
    {
        var timestamps = batch.Int64s(BlockSchema.Timestamp);
        var ids = batch.Int64s(BlockSchema.StreamId);
        var lines = batch.Binaries(BlockSchema.Line);
        var metadata = batch.Maps(BlockSchema.Metadata);
        for (var r = 0; r < batch.RowCount; r++)
        {
            if (!streams.TryGetValue(ids[r], out var stream) || timestamps[r] < stream.From)
            {
                continue;
            }
            EntryMetadata pairs = CopyMetadata(metadata, r);
            if (stream.Remove is { } remove && remove(timestamps[r], lines[r], pairs.ToKeyValues()))
            {
                continue;
            }
            // The batch's buffers are reused for the next row group: the line must be copied.
            stream.Entries.Add(new BlockEntry(timestamps[r], lines[r].ToArray(), pairs));
        }
    }

    /// <summary>Row <paramref name="row"/>'s metadata map, copied out of the batch (whose buffers are reused).</summary>
    private static EntryMetadata CopyMetadata(MapVector metadata, int row)
    {
        var count = metadata.EntryCount(row);
        if (count == 0)
        {
            return EntryMetadata.Empty;
        }

        var first = metadata.EntryOffsets[row];
        var length = 0;
        for (var e = first; e < first + count; e++)
        {
            length += EntryMetadata.EncodedLength(metadata.Keys[e], metadata.Values[e]);
        }

        var bytes = new byte[length];
        var position = 0;
        for (var e = first; e < first + count; e++)
        {
            position += EntryMetadata.Encode(metadata.Keys[e], metadata.Values[e], bytes.AsSpan(position));
        }

        return EntryMetadata.FromEncoded(bytes);
    }
}
