using Loggia.Core.Model;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Head;

/// <summary>
/// Data taken out of the head for one block: write <see cref="Streams"/> with <see cref="BlockWriter"/>, call
/// <see cref="Head.RegisterBlock"/> with the block id, publish it in the catalog, then
/// <see cref="Head.CompleteFlush"/>. On failure call <see cref="Head.AbortFlush"/>: the data stays in the head.
/// </summary>
/// <remarks>
/// Until <see cref="Head.CompleteFlush"/> the entries are still served by the head; appends go on meanwhile into new
/// chunks, which the completion leaves in place. One flush per tenant is in progress at a time.
/// </remarks>
public sealed class HeadFlush
{
    private readonly List<string> _blockIds = [];

    internal HeadFlush(TenantHead tenant, HeadFlushReason reason, List<FlushPart> parts, List<BlockStreamInput> streams,
        long entries, long bytes, long minTimestamp, long maxTimestamp)
    {
        TenantHead = tenant;
        Reason = reason;
        Parts = parts;
        Streams = streams;
        Entries = entries;
        Bytes = bytes;
        MinTimestamp = minTimestamp;
        MaxTimestamp = maxTimestamp;
    }

    /// <summary>The tenant the data belongs to (one block holds one tenant).</summary>
    public TenantId Tenant => TenantHead.Tenant;

    /// <summary>Why the flush was taken.</summary>
    public HeadFlushReason Reason { get; }

    /// <summary>The streams to write, each with its entries sorted by time.</summary>
    public IReadOnlyList<BlockStreamInput> Streams { get; }

    /// <summary>Number of entries in the flush.</summary>
    public long Entries { get; }

    /// <summary>Line plus structured-metadata bytes in the flush.</summary>
    public long Bytes { get; }

    /// <summary>The oldest entry timestamp.</summary>
    public long MinTimestamp { get; }

    /// <summary>The newest entry timestamp.</summary>
    public long MaxTimestamp { get; }

    /// <summary>The block ids registered for this flush.</summary>
    public IReadOnlyList<string> BlockIds => _blockIds;

    internal TenantHead TenantHead { get; }

    internal List<FlushPart> Parts { get; }

    internal bool IsFinished { get; set; }

    internal void AddBlockId(string id) => _blockIds.Add(id);
}

/// <summary>One stream's share of a flush: exactly the chunks it took.</summary>
internal readonly record struct FlushPart(StreamHead Stream, HeadChunk[] Chunks);
