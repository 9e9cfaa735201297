namespace Loggia.Storage.Wal;

/// <summary>What recovery found wrong where a segment stops being readable.</summary>
public enum WalDamage
{
    /// <summary>Nothing: the segment ended exactly after a complete record.</summary>
    None = 0,

    /// <summary>Fewer bytes remain than a record header needs (typically a torn write).</summary>
    ShortRecordHeader,

    /// <summary>The record's length runs past the end of the file (typically a torn write).</summary>
    LengthBeyondEnd,

    /// <summary>The record's length exceeds the format's ceiling: the length field itself is damaged.</summary>
    LengthTooLarge,

    /// <summary>The stored CRC32C does not match the type and payload.</summary>
    ChecksumMismatch,

    /// <summary>The file is shorter than a segment header (a crash while the segment was being created).</summary>
    ShortSegmentHeader,

    /// <summary>The segment header has the wrong magic, a bad checksum or a sequence that does not match the name.</summary>
    BadSegmentHeader,
}
