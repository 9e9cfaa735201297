using System.Buffers;
using System.Buffers.Binary;
using Loggia.Core.IO;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Writing;

/// <summary>
/// Streams rows into a Parquet file: batches are shredded into per-leaf pages as they arrive,
/// row groups are closed when they reach their target size, and <see cref="Dispose"/> (or
/// <see cref="Close"/>) writes the page index and the footer. Not thread-safe.
/// </summary>
/// <remarks>
/// File layout: <c>PAR1</c>, row groups (each column chunk: dictionary page, data pages V1),
/// column indexes, offset indexes, footer (Thrift compact <c>FileMetaData</c>), footer length, <c>PAR1</c>.
/// </remarks>
public sealed class ParquetWriter : IDisposable
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private const int SliceRows = 8192;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly PageCompressor _compressor;
    private readonly LeafWriter[] _leaves;
    private readonly List<RowGroup> _rowGroups = [];
    private readonly List<ChunkResult[]> _pageIndexes = [];
    private long _position;
    private long _rowGroupRows;
    private long _totalRows;
    private bool _closed;

    /// <summary>Starts a file on <paramref name="output"/> (which need not be seekable).</summary>
    public ParquetWriter(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        if (schema.UnsupportedColumns.Count > 0)
        {
            throw new ArgumentException("the schema has columns that cannot be written: " + string.Join(", ", schema.UnsupportedColumns), nameof(schema));
        }

        _options = options ?? new ParquetWriterOptions();
        _options.Validate();
        _output = output;
        _leaveOpen = leaveOpen;
        Schema = schema;
        _compressor = new PageCompressor(_options.Compression, _options.CompressionLevel);
        _leaves = new LeafWriter[schema.Leaves.Count];
        for (var i = 0; i < _leaves.Length; i++)
        {
            var leaf = schema.Leaves[i];
            var column = schema.Columns[leaf.ColumnIndex];
            _leaves[i] = column.Type switch
            {
                ParquetColumnType.Boolean => new PrimitiveLeafWriter<bool>(leaf, column.Encoding, column.Type, _options, _compressor),
                ParquetColumnType.Int32 => new PrimitiveLeafWriter<int>(leaf, column.Encoding, column.Type, _options, _compressor),
                ParquetColumnType.Int64 or ParquetColumnType.TimestampNanos => new PrimitiveLeafWriter<long>(leaf, column.Encoding, column.Type, _options, _compressor),
                ParquetColumnType.Double => new PrimitiveLeafWriter<double>(leaf, column.Encoding, column.Type, _options, _compressor),
                _ => new ByteArrayLeafWriter(leaf, column.Encoding, _options, _compressor),
            };
        }

        WriteBytes(Magic);
    }

    /// <summary>The schema being written.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>Bytes written to the output so far.</summary>
    public long BytesWritten => _position;

    /// <summary>Rows written so far (including the open row group).</summary>
    public long RowsWritten => _totalRows;

    /// <summary>Row groups closed so far.</summary>
    public int RowGroupCount => _rowGroups.Count;

    /// <summary>Writes all rows of <paramref name="batch"/>. Every column must hold the same number of rows.</summary>
    public void Write(RowBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_closed, this);
        if (!ReferenceEquals(batch.Schema, Schema) && batch.Schema.Columns.Count != Schema.Columns.Count)
        {
            throw new ArgumentException("the batch does not match the writer's schema", nameof(batch));
        }

        var rows = batch.RowCount;
        for (var c = 0; c < Schema.Columns.Count; c++)
        {
            if (batch[c].Count != rows)
            {
                throw new ArgumentException($"column '{Schema.Columns[c].Name}' has {batch[c].Count} rows but the batch has {rows}", nameof(batch));
            }

            if (!IsVectorOf(batch[c], Schema.Columns[c].Type))
            {
                throw new ArgumentException($"column '{Schema.Columns[c].Name}' holds a {batch[c].GetType().Name}, not {Schema.Columns[c].Type}", nameof(batch));
            }
        }

        for (var start = 0; start < rows;)
        {
            var room = (int)Math.Min(_options.MaxRowsPerRowGroup - _rowGroupRows, SliceRows);
            var count = Math.Min(room, rows - start);
            foreach (var leaf in _leaves)
            {
                leaf.Write(batch[leaf.Leaf.ColumnIndex], start, count);
            }

            start += count;
            _rowGroupRows += count;
            _totalRows += count;
            if (_rowGroupRows >= _options.MaxRowsPerRowGroup || RowGroupRawBytes() >= _options.RowGroupSizeBytes)
            {
                FlushRowGroup();
            }
        }
    }

    private static bool IsVectorOf(ColumnVector vector, ParquetColumnType type) => type switch
    {
        ParquetColumnType.Boolean => vector is PrimitiveVector<bool>,
        ParquetColumnType.Int32 => vector is PrimitiveVector<int>,
        ParquetColumnType.Int64 or ParquetColumnType.TimestampNanos => vector is PrimitiveVector<long>,
        ParquetColumnType.Double => vector is PrimitiveVector<double>,
        ParquetColumnType.StringMap => vector is MapVector,
        _ => vector is BinaryVector,
    };

    private long RowGroupRawBytes()
    {
        long total = 0;
        foreach (var leaf in _leaves)
        {
            total += leaf.RowGroupRawBytes;
        }

        return total;
    }

    /// <summary>Closes the open row group, if it has rows.</summary>
    public void FlushRowGroup()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_rowGroupRows == 0)
        {
            return;
        }

        var start = _position;
        var chunks = new ChunkResult[_leaves.Length];
        var columns = new List<ColumnChunk>(_leaves.Length);
        long uncompressed = 0;
        for (var i = 0; i < _leaves.Length; i++)
        {
            var counting = new ObservedWriteStream(_output);
            chunks[i] = _leaves[i].FlushChunk(counting, _position);
            _position += counting.Written;
            columns.Add(chunks[i].Chunk);
            uncompressed += chunks[i].UncompressedBytes;
        }

        _rowGroups.Add(new RowGroup
        {
            Columns = columns,
            NumRows = _rowGroupRows,
            TotalByteSize = uncompressed,
            FileOffset = start,
            TotalCompressedSize = _position - start,
            Ordinal = (short)Math.Min(_rowGroups.Count, short.MaxValue),
        });
        _pageIndexes.Add(chunks);
        _rowGroupRows = 0;
    }

    /// <summary>Writes the remaining rows, the page index and the footer. The writer cannot be used afterwards.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        FlushRowGroup();
        var buffer = new ArrayBufferWriter<byte>(4096);
        if (_options.WritePageIndex)
        {
            WritePageIndex(buffer);
        }

        var footer = new FileMetaData
        {
            Version = 2,
            Schema = Schema.ToSchemaElements(),
            NumRows = _totalRows,
            RowGroups = _rowGroups,
            CreatedBy = _options.CreatedBy,
            ColumnOrders = BuildColumnOrders(),
        };
        if (_options.Metadata is { Count: > 0 } metadata)
        {
            footer.KeyValueMetadata = [];
            foreach (var (key, value) in metadata)
            {
                footer.KeyValueMetadata.Add(new KeyValue { Key = key, Value = value });
            }
        }

        buffer.ResetWrittenCount();
        ParquetMetadataSerializer.WriteFileMetaData(footer, buffer);
        var footerLength = buffer.WrittenCount;
        WriteBytes(buffer.WrittenSpan);
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, footerLength);
        Magic.CopyTo(tail[4..]);
        WriteBytes(tail);
        _output.Flush();
        _closed = true;
    }

    private List<ColumnOrder> BuildColumnOrders()
    {
        var orders = new List<ColumnOrder>(_leaves.Length);
        for (var i = 0; i < _leaves.Length; i++)
        {
            orders.Add(ColumnOrder.TypeDefinedOrder());
        }

        return orders;
    }

    private void WritePageIndex(ArrayBufferWriter<byte> buffer)
    {
        for (var g = 0; g < _rowGroups.Count; g++)
        {
            for (var c = 0; c < _leaves.Length; c++)
            {
                if (_pageIndexes[g][c].ColumnIndex is not { } columnIndex)
                {
                    continue;
                }

                buffer.ResetWrittenCount();
                ParquetMetadataSerializer.WriteColumnIndex(columnIndex, buffer);
                _rowGroups[g].Columns[c].ColumnIndexOffset = _position;
                _rowGroups[g].Columns[c].ColumnIndexLength = buffer.WrittenCount;
                WriteBytes(buffer.WrittenSpan);
            }
        }

        for (var g = 0; g < _rowGroups.Count; g++)
        {
            for (var c = 0; c < _leaves.Length; c++)
            {
                buffer.ResetWrittenCount();
                ParquetMetadataSerializer.WriteOffsetIndex(_pageIndexes[g][c].OffsetIndex, buffer);
                _rowGroups[g].Columns[c].OffsetIndexOffset = _position;
                _rowGroups[g].Columns[c].OffsetIndexLength = buffer.WrittenCount;
                WriteBytes(buffer.WrittenSpan);
            }
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }

    /// <summary>Closes the file (writing the footer) and releases the codec.</summary>
    public void Dispose()
    {
        try
        {
            Close();
        }
        finally
        {
            _closed = true;
            foreach (var leaf in _leaves)
            {
                leaf.Dispose();
            }

            _compressor.Dispose();
            if (!_leaveOpen)
            {
                _output.Dispose();
            }
        }
    }
}
