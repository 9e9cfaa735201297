namespace Loggia.Parquet.Schema;

/// <summary>The column shapes Loggia.Parquet writes and reads.</summary>
public enum ParquetColumnType
{
    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>INT32.</summary>
    Int32,

    /// <summary>INT64.</summary>
    Int64,

    /// <summary>DOUBLE.</summary>
    Double,

    /// <summary>BYTE_ARRAY without annotation (DuckDB: BLOB).</summary>
    Binary,

    /// <summary>BYTE_ARRAY annotated STRING (UTF-8).</summary>
    String,

    /// <summary>BYTE_ARRAY annotated JSON.</summary>
    Json,

    /// <summary>INT64 annotated TIMESTAMP(NANOS), nanoseconds since the Unix epoch.</summary>
    TimestampNanos,

    /// <summary>MAP&lt;STRING, STRING&gt;: the standard three-level MAP group of two BYTE_ARRAY leaves.</summary>
    StringMap,
}
