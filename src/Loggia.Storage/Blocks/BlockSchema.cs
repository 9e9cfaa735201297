using Loggia.Parquet.Schema;

namespace Loggia.Storage.Blocks;

/// <summary>
/// The Parquet schema of a block: one row per log entry, sorted by stream (labels text) and time.
/// Readable as it lies by DuckDB, Spark or Trino: <c>timestamp</c> (TIMESTAMP_NS, UTC nanoseconds),
/// <c>stream_id</c> (the stream fingerprint), <c>labels</c> and <c>metadata</c> (MAP&lt;STRING,STRING&gt;),
/// <c>line</c> (STRING).
/// </summary>
public static class BlockSchema
{
    public const int Timestamp = 0;
    public const int StreamId = 1;
    public const int Labels = 2;
    public const int Line = 3;
    public const int Metadata = 4;

    /// <summary>
    /// The schema. Timestamps are written with isAdjustedToUTC=false because DuckDB reads that as
    /// TIMESTAMP_NS (every nanosecond kept) but reads UTC-adjusted nanoseconds at microsecond precision
    /// (ADR 0002); the values are UTC nanoseconds since the epoch all the same (docs/formats/block.md).
    /// </summary>
    public static ParquetSchema Schema { get; } = new(
        new ParquetColumn("timestamp", ParquetColumnType.TimestampNanos, TimestampIsAdjustedToUtc: false),
        new ParquetColumn("stream_id", ParquetColumnType.Int64),
        new ParquetColumn("labels", ParquetColumnType.StringMap),
        new ParquetColumn("line", ParquetColumnType.String),
        new ParquetColumn("metadata", ParquetColumnType.StringMap));
}
