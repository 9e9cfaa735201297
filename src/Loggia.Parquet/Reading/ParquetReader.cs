using System.Buffers.Binary;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Reading;

/// <summary>
/// Reads a Parquet file: the footer at open, then row groups column by column into a
/// <see cref="RowBatch"/>, decoding only the projected columns and, with a
/// <see cref="RowSelection"/>, only the pages that hold selected rows. Statistics and the page
/// index are exposed for pruning. Not thread-safe: open one reader per thread (cheap: one handle).
/// Any damage in the file surfaces as <see cref="ParquetFormatException"/> naming file and offset.
/// </summary>
public sealed class ParquetReader : IDisposable
{
    private const int MaxFooterBytes = 256 * 1024 * 1024;
    private readonly RandomAccessSource _source;
    private readonly LeafChunkReader _leafReader;
    private LeafData? _scratchKeys;
    private LeafData? _scratchValues;
    private LeafData? _scratchFlat;

    private ParquetReader(RandomAccessSource source)
    {
        _source = source;
        try
        {
            Metadata = ReadFooter();
            Schema = ParquetSchema.FromSchemaElements(Metadata.Schema ?? []);
            ValidateRowGroups();
        }
        catch (ParquetFormatException e) when (e.FilePath is null && source.Path is not null)
        {
            source.Dispose();
            throw e.WithLocation(source.Path, -1);
        }
        catch
        {
            source.Dispose();
            throw;
        }

        _leafReader = new LeafChunkReader(source);
    }

    /// <summary>Opens the file at <paramref name="path"/> and reads its footer.</summary>
    public static ParquetReader Open(string path) => new(RandomAccessSource.OpenFile(path));

    /// <summary>Reads a Parquet file held in memory.</summary>
    public static ParquetReader Open(ReadOnlyMemory<byte> file) => new(RandomAccessSource.FromMemory(file));

    /// <summary>The file's footer.</summary>
    public FileMetaData Metadata { get; }

    /// <summary>The schema derived from the footer.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Number of row groups.</summary>
    public int RowGroupCount => Metadata.RowGroups.Count;

    /// <summary>Total rows of the file.</summary>
    public long RowCount => Metadata.NumRows;

    /// <summary>The file's key/value metadata as a dictionary.</summary>
    public IReadOnlyDictionary<string, string?> KeyValueMetadata
    {
        get
        {
            var result = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var pair in Metadata.KeyValueMetadata ?? [])
            {
                result[pair.Key] = pair.Value;
            }

            return result;
        }
    }

    /// <summary>Rows in row group <paramref name="rowGroup"/>.</summary>
    public long GetRowGroupRowCount(int rowGroup) => Metadata.RowGroups[rowGroup].NumRows;

    private FileMetaData ReadFooter()
    {
        var length = _source.Length;
        if (length < 12)
        {
            throw new ParquetFormatException($"file is {length} bytes, too short to be Parquet", 0, _source.Path);
        }

        Span<byte> tail = stackalloc byte[8];
        _source.ReadExactly(length - 8, tail);
        Span<byte> head = stackalloc byte[4];
        _source.ReadExactly(0, head);
        if (!tail[4..].SequenceEqual("PAR1"u8) || !head.SequenceEqual("PAR1"u8))
        {
            throw new ParquetFormatException(tail[4..].SequenceEqual("PARE"u8) ? "encrypted Parquet files are not supported" : "missing PAR1 magic (not a Parquet file, or truncated)", length - 4, _source.Path);
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12 || footerLength > MaxFooterBytes)
        {
            throw new ParquetFormatException($"footer length {footerLength} does not fit the file", length - 8, _source.Path);
        }

        var footerOffset = length - 8 - footerLength;
        var footer = new byte[footerLength];
        _source.ReadExactly(footerOffset, footer);
        try
        {
            return ParquetMetadataSerializer.ReadFileMetaData(footer);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException("corrupt footer: " + e.Reason, footerOffset + Math.Max(0, e.Offset), _source.Path, e);
        }
    }

    private void ValidateRowGroups()
    {
        var leafCount = Schema.Leaves.Count;
        long rows = 0;
        foreach (var rowGroup in Metadata.RowGroups)
        {
            if (rowGroup.Columns.Count != leafCount)
            {
                throw new ParquetFormatException($"a row group has {rowGroup.Columns.Count} column chunks but the schema has {leafCount} leaves", -1, _source.Path);
            }

            if (rowGroup.NumRows < 0)
            {
                throw new ParquetFormatException($"a row group claims {rowGroup.NumRows} rows", -1, _source.Path);
            }

            rows += rowGroup.NumRows;
        }

        if (rows != Metadata.NumRows)
        {
            throw new ParquetFormatException($"row groups hold {rows} rows but the footer says {Metadata.NumRows}", -1, _source.Path);
        }
    }

    /// <summary>Column chunk statistics of <paramref name="column"/>'s (first) leaf in <paramref name="rowGroup"/>, or null.</summary>
    public ColumnStatistics? GetStatistics(int rowGroup, int column)
    {
        var leaf = Schema.Leaves[Schema.FirstLeafOfColumn[column]];
        var statistics = Metadata.RowGroups[rowGroup].Columns[leaf.LeafIndex].MetaData?.Statistics;
        return statistics is null ? null : ColumnStatistics.From(statistics, leaf.PhysicalType, HasTypeDefinedOrder(leaf.LeafIndex));
    }

    private bool HasTypeDefinedOrder(int leafIndex) =>
        Metadata.ColumnOrders is { } orders && leafIndex < orders.Count && orders[leafIndex].Kind == ColumnOrderKind.TypeDefinedOrder;

    /// <summary>Reads the column index of a leaf chunk, or null when the file has none.</summary>
    public ColumnIndex? ReadColumnIndex(int rowGroup, int leafIndex)
    {
        var chunk = Metadata.RowGroups[rowGroup].Columns[leafIndex];
        return chunk.ColumnIndexOffset is { } offset && chunk.ColumnIndexLength is { } length
            ? ReadIndexStructure(offset, length, static data => ParquetMetadataSerializer.ReadColumnIndex(data))
            : null;
    }

    /// <summary>Reads the offset index of a leaf chunk, or null when the file has none.</summary>
    public OffsetIndex? ReadOffsetIndex(int rowGroup, int leafIndex)
    {
        var chunk = Metadata.RowGroups[rowGroup].Columns[leafIndex];
        return chunk.OffsetIndexOffset is { } offset && chunk.OffsetIndexLength is { } length
            ? ReadIndexStructure(offset, length, static data => ParquetMetadataSerializer.ReadOffsetIndex(data))
            : null;
    }

    private T ReadIndexStructure<T>(long offset, int length, Func<byte[], T> parse)
    {
        if (length <= 0 || length > MaxFooterBytes)
        {
            throw new ParquetFormatException($"page index structure claims {length} bytes", offset, _source.Path);
        }

        var data = new byte[length];
        _source.ReadExactly(offset, data);
        try
        {
            return parse(data);
        }
        catch (ParquetFormatException e)
        {
            throw new ParquetFormatException("corrupt page index: " + e.Reason, offset + Math.Max(0, e.Offset), _source.Path, e);
        }
    }

    /// <summary>
    /// Reads row group <paramref name="rowGroup"/> into <paramref name="batch"/> (cleared first):
    /// the columns in <paramref name="columns"/> (all when null), and only the rows of
    /// <paramref name="selection"/> (all when null). Columns not projected are left empty.
    /// </summary>
    public void ReadRowGroup(int rowGroup, RowBatch batch, IReadOnlyList<int>? columns = null, RowSelection? selection = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(rowGroup);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rowGroup, RowGroupCount);
        batch.Clear();
        var rowCount = Metadata.RowGroups[rowGroup].NumRows;
        var expectedRows = selection?.RowCount ?? rowCount;
        if (columns is null)
        {
            for (var c = 0; c < Schema.Columns.Count; c++)
            {
                ReadColumn(rowGroup, c, batch[c], selection, expectedRows);
            }

            return;
        }

        foreach (var c in columns)
        {
            ReadColumn(rowGroup, c, batch[c], selection, expectedRows);
        }
    }

    /// <summary>Reads one column of a row group into <paramref name="destination"/> (appending).</summary>
    public void ReadColumn(int rowGroup, int column, ColumnVector destination, RowSelection? selection = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ReadColumn(rowGroup, column, destination, selection, selection?.RowCount ?? Metadata.RowGroups[rowGroup].NumRows);
    }

    private void ReadColumn(int rowGroup, int column, ColumnVector destination, RowSelection? selection, long expectedRows)
    {
        var type = Schema.Columns[column].Type;
        var firstLeaf = Schema.Leaves[Schema.FirstLeafOfColumn[column]];
        var group = Metadata.RowGroups[rowGroup];
        var before = destination.Count;
        if (type == ParquetColumnType.StringMap)
        {
            var keyLeaf = firstLeaf;
            var valueLeaf = Schema.Leaves[keyLeaf.LeafIndex + 1];
            _scratchKeys ??= new LeafData(new BinaryVector());
            _scratchValues ??= new LeafData(new BinaryVector());
            _scratchKeys.Clear();
            _scratchValues.Clear();
            ReadLeaf(rowGroup, keyLeaf, group, selection, _scratchKeys);
            ReadLeaf(rowGroup, valueLeaf, group, selection, _scratchValues);
            ColumnAssembler.AssembleMap((MapVector)destination, keyLeaf, _scratchKeys, valueLeaf, _scratchValues, _source.Path);
        }
        else if (firstLeaf.MaxDefinitionLevel == 0 && firstLeaf.MaxRepetitionLevel == 0)
        {
            ReadLeaf(rowGroup, firstLeaf, group, selection, new LeafData(destination) { LevelCount = 0 });
        }
        else
        {
            if (_scratchFlat?.Values.GetType() != destination.GetType())
            {
                _scratchFlat = new LeafData(RowBatch.CreateVector(type));
            }

            _scratchFlat.Clear();
            ReadLeaf(rowGroup, firstLeaf, group, selection, _scratchFlat);
            ColumnAssembler.AssembleFlat(destination, firstLeaf, _scratchFlat, _source.Path);
        }

        if (destination.Count - before != expectedRows)
        {
            throw new ParquetFormatException(
                $"column '{Schema.Columns[column].Name}' yielded {destination.Count - before} rows in row group {rowGroup}, expected {expectedRows}", -1, _source.Path);
        }
    }

    private void ReadLeaf(int rowGroup, ParquetLeaf leaf, RowGroup group, RowSelection? selection, LeafData output)
    {
        var offsetIndex = selection is null ? null : ReadOffsetIndex(rowGroup, leaf.LeafIndex);
        _leafReader.Read(leaf, group.Columns[leaf.LeafIndex], offsetIndex, group.NumRows, selection, output);
    }

    /// <summary>Releases the file handle.</summary>
    public void Dispose()
    {
        _leafReader.Dispose();
        _source.Dispose();
    }
}
