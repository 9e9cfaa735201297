namespace Loggia.Storage.Blocks;

/// <summary>
/// What block scans read and skipped, added to by every <see cref="BlockReader.Read"/> given it (thread-safe: one
/// query's blocks are read in parallel). Bytes are compressed Parquet column-chunk bytes of whole row groups, and
/// the whole file for a block skipped unopened (<see cref="BlockReader.CanSkip"/>).
/// </summary>
public sealed class BlockScanStatistics
{
    private long _rowGroupsRead;
    private long _bytesRead;
    private long _rowGroupsSkippedByBloom;
    private long _bytesSkippedByBloom;
    private long _rowGroupsTestedByBloom;
    private long _blocksSkippedByTermIndex;
    private long _bytesSkippedByTermIndex;

    /// <summary>Row groups decoded.</summary>
    public long RowGroupsRead => Interlocked.Read(ref _rowGroupsRead);

    /// <summary>Compressed bytes of the row groups decoded.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Row groups skipped because a token filter ruled out a required token.</summary>
    public long RowGroupsSkippedByBloom => Interlocked.Read(ref _rowGroupsSkippedByBloom);

    /// <summary>Compressed bytes of the row groups skipped by token filters.</summary>
    public long BytesSkippedByBloom => Interlocked.Read(ref _bytesSkippedByBloom);

    /// <summary>Row groups tested against token filters (skipped or not).</summary>
    public long RowGroupsTestedByBloom => Interlocked.Read(ref _rowGroupsTestedByBloom);

    /// <summary>Blocks not opened because the term index rules out a required term in every hour they hold.</summary>
    public long BlocksSkippedByTermIndex => Interlocked.Read(ref _blocksSkippedByTermIndex);

    /// <summary>Parquet bytes of the blocks the term index ruled out.</summary>
    public long BytesSkippedByTermIndex => Interlocked.Read(ref _bytesSkippedByTermIndex);

    internal void AddSkippedByTermIndex(long fileBytes)
    {
        Interlocked.Increment(ref _blocksSkippedByTermIndex);
        Interlocked.Add(ref _bytesSkippedByTermIndex, fileBytes);
    }

    internal void AddTestedByBloom() => Interlocked.Increment(ref _rowGroupsTestedByBloom);

    internal void AddSkippedBlock(int rowGroups, long fileBytes)
    {
        Interlocked.Add(ref _rowGroupsTestedByBloom, rowGroups);
        Interlocked.Add(ref _rowGroupsSkippedByBloom, rowGroups);
        Interlocked.Add(ref _bytesSkippedByBloom, fileBytes);
    }

    internal void AddRead(long bytes)
    {
        Interlocked.Increment(ref _rowGroupsRead);
        Interlocked.Add(ref _bytesRead, bytes);
    }

    internal void AddSkippedByBloom(long bytes)
    {
        Interlocked.Increment(ref _rowGroupsSkippedByBloom);
        Interlocked.Add(ref _bytesSkippedByBloom, bytes);
    }
}
