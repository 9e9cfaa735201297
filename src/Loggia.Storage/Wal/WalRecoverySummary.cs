namespace Loggia.Storage.Wal;

/// <summary>What <see cref="WriteAheadLog.Open"/> found while replaying; each damage was also logged as a warning.</summary>
public sealed class WalRecoverySummary
{
    /// <summary>Segment files examined.</summary>
    public int SegmentsScanned { get; internal set; }

    /// <summary>Records delivered to the replay callback.</summary>
    public long RecordsReplayed { get; internal set; }

    /// <summary>Payload and header bytes of the replayed records.</summary>
    public long BytesReplayed { get; internal set; }

    /// <summary>Places where a segment stopped being readable (torn tails included).</summary>
    public int Damages { get; internal set; }

    /// <summary>Bytes cut off the tail segment at its last good record.</summary>
    public long BytesTruncated { get; internal set; }

    /// <summary>Segment files removed because they could hold no record (shorter than a header, or empty).</summary>
    public int SegmentsDeleted { get; internal set; }

    /// <summary>Segment files left in place but skipped because their header is unreadable.</summary>
    public int SegmentsSkipped { get; internal set; }
}
