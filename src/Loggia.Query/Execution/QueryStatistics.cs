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
