using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>A horizontal partition of the rows, with one column chunk per leaf column.</summary>
public sealed class RowGroup : IThriftStruct<RowGroup>
{
    /// <summary>Column chunks in schema leaf order (Thrift field 1 <c>columns</c>, required).</summary>
    public List<ColumnChunk> Columns { get; set; } = [];

    /// <summary>Total uncompressed size of the column data (Thrift field 2 <c>total_byte_size</c>, required).</summary>
    public long TotalByteSize { get; set; }

    /// <summary>Number of rows (Thrift field 3 <c>num_rows</c>, required).</summary>
    public long NumRows { get; set; }

    /// <summary>Sort order of the rows (Thrift field 4 <c>sorting_columns</c>).</summary>
    public List<SortingColumn>? SortingColumns { get; set; }

    /// <summary>File offset of the first page of the first column chunk (Thrift field 5 <c>file_offset</c>).</summary>
    public long? FileOffset { get; set; }

    /// <summary>Total stored size of the column chunks (Thrift field 6 <c>total_compressed_size</c>).</summary>
    public long? TotalCompressedSize { get; set; }

    /// <summary>Index of this row group in the file (Thrift field 7 <c>ordinal</c>).</summary>
    public short? Ordinal { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        ThriftLists.WriteStructs(ref writer, 1, Columns);
        writer.WriteI64Field(2, TotalByteSize);
        writer.WriteI64Field(3, NumRows);
        if (SortingColumns is not null)
        {
            ThriftLists.WriteStructs(ref writer, 4, SortingColumns);
        }

        if (FileOffset is { } fileOffset)
        {
            writer.WriteI64Field(5, fileOffset);
        }

        if (TotalCompressedSize is { } totalCompressedSize)
        {
            writer.WriteI64Field(6, totalCompressedSize);
        }

        if (Ordinal is { } ordinal)
        {
            writer.WriteI16Field(7, ordinal);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static RowGroup Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new RowGroup();
        var hasColumns = false;
        var hasTotalByteSize = false;
        var hasNumRows = false;
        reader.ReadStructBegin();
        while (true)
        {
            var field = reader.ReadFieldBegin();
            if (field.IsStop)
            {
                break;
            }

            switch (field.Id)
            {
                case 1 when field.Type == ThriftType.List:
                    result.Columns = ThriftLists.ReadStructs<ColumnChunk>(ref reader);
                    hasColumns = true;
                    break;
                case 2 when field.Type == ThriftType.I64:
                    result.TotalByteSize = reader.ReadI64();
                    hasTotalByteSize = true;
                    break;
                case 3 when field.Type == ThriftType.I64:
                    result.NumRows = reader.ReadI64();
                    hasNumRows = true;
                    break;
                case 4 when field.Type == ThriftType.List:
                    result.SortingColumns = ThriftLists.ReadStructs<SortingColumn>(ref reader);
                    break;
                case 5 when field.Type == ThriftType.I64:
                    result.FileOffset = reader.ReadI64();
                    break;
                case 6 when field.Type == ThriftType.I64:
                    result.TotalCompressedSize = reader.ReadI64();
                    break;
                case 7 when field.Type == ThriftType.I16:
                    result.Ordinal = reader.ReadI16();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasColumns)
        {
            throw FormatErrors.MissingField(nameof(RowGroup), "columns", 1, start);
        }

        if (!hasTotalByteSize)
        {
            throw FormatErrors.MissingField(nameof(RowGroup), "total_byte_size", 2, start);
        }

        if (!hasNumRows)
        {
            throw FormatErrors.MissingField(nameof(RowGroup), "num_rows", 3, start);
        }

        return result;
    }
}
