namespace Loggia.Parquet.Schema;

/// <summary>How a column's values are encoded when written.</summary>
public enum ColumnEncoding
{
    /// <summary>The writer's choice: dictionary for strings and small integers, delta for timestamps.</summary>
    Auto,

    /// <summary>PLAIN.</summary>
    Plain,

    /// <summary>RLE_DICTIONARY, falling back to PLAIN when the dictionary grows past its limit.</summary>
    Dictionary,

    /// <summary>DELTA_BINARY_PACKED for integers, DELTA_LENGTH_BYTE_ARRAY for byte arrays.</summary>
    Delta,
}

/// <summary>One top-level column of a schema.</summary>
/// <param name="Name">Column name as it appears to readers.</param>
/// <param name="Type">The column shape.</param>
/// <param name="Nullable">True for an OPTIONAL column (definition levels are written).</param>
/// <param name="Encoding">Encoding preference.</param>
/// <param name="TimestampIsAdjustedToUtc">For <see cref="ParquetColumnType.TimestampNanos"/>: the isAdjustedToUTC flag.</param>
public sealed record ParquetColumn(
    string Name,
    ParquetColumnType Type,
    bool Nullable = false,
    ColumnEncoding Encoding = ColumnEncoding.Auto,
    bool TimestampIsAdjustedToUtc = true);
