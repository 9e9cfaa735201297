using Loggia.Parquet.Format;

namespace Loggia.Parquet.Writing;

/// <summary>Settings of a <see cref="ParquetWriter"/>. The defaults suit log blocks read by DuckDB and Loggia.</summary>
public sealed class ParquetWriterOptions
{
    /// <summary>Compression of every page. Default ZSTD.</summary>
    public CompressionCodec Compression { get; init; } = CompressionCodec.Zstd;

    /// <summary>Codec level where the codec has one (zstd 1..22, gzip 0..9 mapped to .NET levels). Default 3, as DuckDB.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Target size of a data page's raw (unencoded) values; pages are cut at row boundaries after reaching it.</summary>
    public int PageSizeBytes { get; init; } = 1024 * 1024;

    /// <summary>Upper bound on rows in one data page, so that page pruning stays fine-grained for small values.</summary>
    public int MaxRowsPerPage { get; init; } = 20_000;

    /// <summary>Target raw size of a row group; the writer closes the row group after reaching it.</summary>
    public long RowGroupSizeBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Upper bound on rows in one row group.</summary>
    public int MaxRowsPerRowGroup { get; init; } = 1_000_000;

    /// <summary>Dictionary size in bytes beyond which a column falls back to its plain encoding.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1024 * 1024;

    /// <summary>Write ColumnIndex/OffsetIndex structures (page-level pruning for readers). Default true.</summary>
    public bool WritePageIndex { get; init; } = true;

    /// <summary>Longest min/max kept in page headers and the page index; longer values are truncated to valid bounds.</summary>
    public int PageStatisticsMaxLength { get; init; } = 64;

    /// <summary>Longest min/max kept in column chunk statistics; longer values are truncated to valid bounds.</summary>
    public int ChunkStatisticsMaxLength { get; init; } = 4096;

    /// <summary>Key/value metadata written into the footer.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The <c>created_by</c> string of the footer.</summary>
    public string CreatedBy { get; init; } = "loggia-parquet version 0.1.0";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSizeBytes, 1024, nameof(PageSizeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRowsPerPage, 1, nameof(MaxRowsPerPage));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupSizeBytes, 1024, nameof(RowGroupSizeBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRowsPerRowGroup, 1, nameof(MaxRowsPerRowGroup));
        ArgumentOutOfRangeException.ThrowIfLessThan(DictionaryPageSizeLimit, 0, nameof(DictionaryPageSizeLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageStatisticsMaxLength, 8, nameof(PageStatisticsMaxLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkStatisticsMaxLength, 8, nameof(ChunkStatisticsMaxLength));
        if (Compression is not (CompressionCodec.Uncompressed or CompressionCodec.Snappy or CompressionCodec.Gzip or CompressionCodec.Zstd))
        {
            throw new ArgumentException($"compression {Compression} is not supported for writing", nameof(Compression));
        }
    }
}
