using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Location and metadata of one column chunk in a row group. Encryption fields 8 and 9 are skipped on read.</summary>
public sealed class ColumnChunk : IThriftStruct<ColumnChunk>
{
    /// <summary>File holding the chunk when not this file (Thrift field 1 <c>file_path</c>).</summary>
    public string? FilePath { get; set; }

    /// <summary>Deprecated file offset of the chunk metadata (Thrift field 2 <c>file_offset</c>, required).</summary>
    public long FileOffset { get; set; }

    /// <summary>Column chunk metadata (Thrift field 3 <c>meta_data</c>).</summary>
    public ColumnMetaData? MetaData { get; set; }

    /// <summary>File offset of the offset index (Thrift field 4 <c>offset_index_offset</c>).</summary>
    public long? OffsetIndexOffset { get; set; }

    /// <summary>Size of the offset index (Thrift field 5 <c>offset_index_length</c>).</summary>
    public int? OffsetIndexLength { get; set; }

    /// <summary>File offset of the column index (Thrift field 6 <c>column_index_offset</c>).</summary>
    public long? ColumnIndexOffset { get; set; }

    /// <summary>Size of the column index (Thrift field 7 <c>column_index_length</c>).</summary>
    public int? ColumnIndexLength { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (FilePath is not null)
        {
            writer.WriteStringField(1, FilePath);
        }

        writer.WriteI64Field(2, FileOffset);
        if (MetaData is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 3);
            MetaData.Write(ref writer);
        }

        if (OffsetIndexOffset is { } offsetIndexOffset)
        {
            writer.WriteI64Field(4, offsetIndexOffset);
        }

        if (OffsetIndexLength is { } offsetIndexLength)
        {
            writer.WriteI32Field(5, offsetIndexLength);
        }

        if (ColumnIndexOffset is { } columnIndexOffset)
        {
            writer.WriteI64Field(6, columnIndexOffset);
        }

        if (ColumnIndexLength is { } columnIndexLength)
        {
            writer.WriteI32Field(7, columnIndexLength);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static ColumnChunk Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new ColumnChunk();
        var hasFileOffset = false;
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
                case 1 when field.Type == ThriftType.Binary:
                    result.FilePath = reader.ReadString();
                    break;
                case 2 when field.Type == ThriftType.I64:
                    result.FileOffset = reader.ReadI64();
                    hasFileOffset = true;
                    break;
                case 3 when field.Type == ThriftType.Struct:
                    result.MetaData = ColumnMetaData.Read(ref reader);
                    break;
                case 4 when field.Type == ThriftType.I64:
                    result.OffsetIndexOffset = reader.ReadI64();
                    break;
                case 5 when field.Type == ThriftType.I32:
                    result.OffsetIndexLength = reader.ReadI32();
                    break;
                case 6 when field.Type == ThriftType.I64:
                    result.ColumnIndexOffset = reader.ReadI64();
                    break;
                case 7 when field.Type == ThriftType.I32:
                    result.ColumnIndexLength = reader.ReadI32();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasFileOffset)
        {
            throw FormatErrors.MissingField(nameof(ColumnChunk), "file_offset", 2, start);
        }

        return result;
    }
}
