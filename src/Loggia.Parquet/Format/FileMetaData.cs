using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>The Parquet footer. Encryption fields 8 and 9 are skipped on read.</summary>
public sealed class FileMetaData : IThriftStruct<FileMetaData>
{
    /// <summary>Format version of the file (Thrift field 1 <c>version</c>, required).</summary>
    public int Version { get; set; }

    /// <summary>Flattened schema, root first (Thrift field 2 <c>schema</c>, required).</summary>
    public List<SchemaElement> Schema { get; set; } = [];

    /// <summary>Number of rows in the file (Thrift field 3 <c>num_rows</c>, required).</summary>
    public long NumRows { get; set; }

    /// <summary>Row groups (Thrift field 4 <c>row_groups</c>, required).</summary>
    public List<RowGroup> RowGroups { get; set; } = [];

    /// <summary>Application key/value metadata (Thrift field 5 <c>key_value_metadata</c>).</summary>
    public List<KeyValue>? KeyValueMetadata { get; set; }

    /// <summary>Writer identification, e.g. "loggia version 0.1.0" (Thrift field 6 <c>created_by</c>).</summary>
    public string? CreatedBy { get; set; }

    /// <summary>Sort order used for each leaf column's statistics (Thrift field 7 <c>column_orders</c>).</summary>
    public List<ColumnOrder>? ColumnOrders { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, Version);
        ThriftLists.WriteStructs(ref writer, 2, Schema);
        writer.WriteI64Field(3, NumRows);
        ThriftLists.WriteStructs(ref writer, 4, RowGroups);
        if (KeyValueMetadata is not null)
        {
            ThriftLists.WriteStructs(ref writer, 5, KeyValueMetadata);
        }

        if (CreatedBy is not null)
        {
            writer.WriteStringField(6, CreatedBy);
        }

        if (ColumnOrders is not null)
        {
            ThriftLists.WriteStructs(ref writer, 7, ColumnOrders);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static FileMetaData Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new FileMetaData();
        var hasVersion = false;
        var hasSchema = false;
        var hasNumRows = false;
        var hasRowGroups = false;
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
                case 1 when field.Type == ThriftType.I32:
                    result.Version = reader.ReadI32();
                    hasVersion = true;
                    break;
                case 2 when field.Type == ThriftType.List:
                    result.Schema = ThriftLists.ReadStructs<SchemaElement>(ref reader);
                    hasSchema = true;
                    break;
                case 3 when field.Type == ThriftType.I64:
                    result.NumRows = reader.ReadI64();
                    hasNumRows = true;
                    break;
                case 4 when field.Type == ThriftType.List:
                    result.RowGroups = ThriftLists.ReadStructs<RowGroup>(ref reader);
                    hasRowGroups = true;
                    break;
                case 5 when field.Type == ThriftType.List:
                    result.KeyValueMetadata = ThriftLists.ReadStructs<KeyValue>(ref reader);
                    break;
                case 6 when field.Type == ThriftType.Binary:
                    result.CreatedBy = reader.ReadString();
                    break;
                case 7 when field.Type == ThriftType.List:
                    result.ColumnOrders = ThriftLists.ReadStructs<ColumnOrder>(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasVersion)
        {
            throw FormatErrors.MissingField(nameof(FileMetaData), "version", 1, start);
        }

        if (!hasSchema)
        {
            throw FormatErrors.MissingField(nameof(FileMetaData), "schema", 2, start);
        }

        if (!hasNumRows)
        {
            throw FormatErrors.MissingField(nameof(FileMetaData), "num_rows", 3, start);
        }

        if (!hasRowGroups)
        {
            throw FormatErrors.MissingField(nameof(FileMetaData), "row_groups", 4, start);
        }

        return result;
    }
}
