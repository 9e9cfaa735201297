using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Header of a version 2 data page (levels stored uncompressed before the values).</summary>
public sealed class DataPageHeaderV2 : IThriftStruct<DataPageHeaderV2>
{
    /// <summary>Number of values including nulls (Thrift field 1 <c>num_values</c>, required).</summary>
    public int NumValues { get; set; }

    /// <summary>Number of nulls (Thrift field 2 <c>num_nulls</c>, required).</summary>
    public int NumNulls { get; set; }

    /// <summary>Number of rows (Thrift field 3 <c>num_rows</c>, required).</summary>
    public int NumRows { get; set; }

    /// <summary>Encoding of the values (Thrift field 4 <c>encoding</c>, required).</summary>
    public Encoding Encoding { get; set; }

    /// <summary>Byte length of the definition levels (Thrift field 5 <c>definition_levels_byte_length</c>, required).</summary>
    public int DefinitionLevelsByteLength { get; set; }

    /// <summary>Byte length of the repetition levels (Thrift field 6 <c>repetition_levels_byte_length</c>, required).</summary>
    public int RepetitionLevelsByteLength { get; set; }

    /// <summary>Whether the values section is compressed; absent means true (Thrift field 7 <c>is_compressed</c>).</summary>
    public bool? IsCompressed { get; set; }

    /// <summary>Page statistics (Thrift field 8 <c>statistics</c>).</summary>
    public Statistics? Statistics { get; set; }

    /// <summary><see cref="IsCompressed"/> with the Thrift default applied (absent means compressed).</summary>
    public bool IsCompressedOrDefault => IsCompressed ?? true;

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, NumNulls);
        writer.WriteI32Field(3, NumRows);
        writer.WriteI32Field(4, (int)Encoding);
        writer.WriteI32Field(5, DefinitionLevelsByteLength);
        writer.WriteI32Field(6, RepetitionLevelsByteLength);
        if (IsCompressed is { } isCompressed)
        {
            writer.WriteBoolField(7, isCompressed);
        }

        if (Statistics is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 8);
            Statistics.Write(ref writer);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static DataPageHeaderV2 Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new DataPageHeaderV2();
        var hasNumValues = false;
        var hasNumNulls = false;
        var hasNumRows = false;
        var hasEncoding = false;
        var hasDefinitionLevelsByteLength = false;
        var hasRepetitionLevelsByteLength = false;
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
                    result.NumValues = reader.ReadI32();
                    hasNumValues = true;
                    break;
                case 2 when field.Type == ThriftType.I32:
                    result.NumNulls = reader.ReadI32();
                    hasNumNulls = true;
                    break;
                case 3 when field.Type == ThriftType.I32:
                    result.NumRows = reader.ReadI32();
                    hasNumRows = true;
                    break;
                case 4 when field.Type == ThriftType.I32:
                    result.Encoding = (Encoding)reader.ReadI32();
                    hasEncoding = true;
                    break;
                case 5 when field.Type == ThriftType.I32:
                    result.DefinitionLevelsByteLength = reader.ReadI32();
                    hasDefinitionLevelsByteLength = true;
                    break;
                case 6 when field.Type == ThriftType.I32:
                    result.RepetitionLevelsByteLength = reader.ReadI32();
                    hasRepetitionLevelsByteLength = true;
                    break;
                case 7 when field.Type == ThriftType.Bool:
                    result.IsCompressed = reader.ReadBool();
                    break;
                case 8 when field.Type == ThriftType.Struct:
                    result.Statistics = Statistics.Read(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasNumValues)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "num_values", 1, start);
        }

        if (!hasNumNulls)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "num_nulls", 2, start);
        }

        if (!hasNumRows)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "num_rows", 3, start);
        }

        if (!hasEncoding)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "encoding", 4, start);
        }

        if (!hasDefinitionLevelsByteLength)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "definition_levels_byte_length", 5, start);
        }

        if (!hasRepetitionLevelsByteLength)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeaderV2), "repetition_levels_byte_length", 6, start);
        }

        return result;
    }
}
