namespace Loggia.Query.Execution;

/// <summary>
/// Execution statistics, the numbers behind Loki's <c>stats.summary</c>. Lines and bytes "processed" are those
/// read from matching streams within the range before line filters (Loki's decompressed plus head-chunk lines);
/// bytes count line bytes only, structured metadata is counted separately, as in Loki.
/// </summary>
public sealed record QueryStatistics
{
    /// <summary>Line bytes read.</summary>
    public long TotalBytesProcessed { get; init; }

    /// <summary>Lines read.</summary>
    public long TotalLinesProcessed { get; init; }

    /// <summary>Lines that passed the line filters.</summary>
    public long TotalPostFilterLines { get; init; }

    /// <summary>Structured metadata bytes read (names plus values).</summary>
    public long TotalStructuredMetadataBytesProcessed { get; init; }

    /// <summary>Entries in the result.</summary>
    public long TotalEntriesReturned { get; init; }

    /// <summary>Entries dropped as duplicates of an entry from another source.</summary>
    public long TotalDuplicates { get; init; }

    /// <summary>Block row groups the scans considered (in a chosen stream and the time range), read or skipped by blooms.</summary>
    public long BlockRowGroups { get; init; }

    /// <summary>Compressed Parquet bytes of the block row groups decoded (Loki's <c>store.chunk.compressedBytes</c>).</summary>
    public long BlockBytesRead { get; init; }

    /// <summary>Of <see cref="BlockRowGroups"/>, those skipped because a token bloom filter ruled out a required token.</summary>
    public long BlockRowGroupsSkippedByBloom { get; init; }

    /// <summary>Compressed bytes of the row groups skipped by bloom filters.</summary>
    public long BlockBytesSkippedByBloom { get; init; }

    /// <summary>Whether any row group was tested against a token bloom filter.</summary>
    public bool UsedBloomFilters { get; init; }

    /// <summary>This record with the counts of <paramref name="scans"/> (null: unchanged).</summary>
    public QueryStatistics WithBlockScans(Loggia.Storage.Blocks.BlockScanStatistics? scans) => scans is null ? this : this with
    {
        BlockRowGroups = scans.RowGroupsRead + scans.RowGroupsSkippedByBloom,
        BlockBytesRead = scans.BytesRead,
        BlockRowGroupsSkippedByBloom = scans.RowGroupsSkippedByBloom,
        BlockBytesSkippedByBloom = scans.BytesSkippedByBloom,
        UsedBloomFilters = scans.RowGroupsTestedByBloom > 0,
    };

    /// <summary>Wall time of the execution.</summary>
    public TimeSpan ExecTime { get; init; }

    /// <summary>Time the query waited before executing (set by a scheduler; zero otherwise).</summary>
    public TimeSpan QueueTime { get; init; }

    /// <summary>Number of time splits the query ran as (set by a frontend).</summary>
    public long Splits { get; init; }

    /// <summary>Number of shards the query ran as (set by a frontend).</summary>
    public long Shards { get; init; }

    /// <summary>Number of subqueries.</summary>
    public long Subqueries { get; init; }
}
