using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Header of a version 1 data page.</summary>
public sealed class DataPageHeader : IThriftStruct<DataPageHeader>
{
    /// <summary>Number of values including nulls (Thrift field 1 <c>num_values</c>, required).</summary>
    public int NumValues { get; set; }

    /// <summary>Encoding of the values (Thrift field 2 <c>encoding</c>, required).</summary>
    public Encoding Encoding { get; set; }

    /// <summary>Encoding of definition levels (Thrift field 3 <c>definition_level_encoding</c>, required).</summary>
    public Encoding DefinitionLevelEncoding { get; set; }

    /// <summary>Encoding of repetition levels (Thrift field 4 <c>repetition_level_encoding</c>, required).</summary>
    public Encoding RepetitionLevelEncoding { get; set; }

    /// <summary>Page statistics (Thrift field 5 <c>statistics</c>).</summary>
    public Statistics? Statistics { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, (int)Encoding);
        writer.WriteI32Field(3, (int)DefinitionLevelEncoding);
        writer.WriteI32Field(4, (int)RepetitionLevelEncoding);
        if (Statistics is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 5);
            Statistics.Write(ref writer);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static DataPageHeader Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new DataPageHeader();
        var hasNumValues = false;
        var hasEncoding = false;
        var hasDefinitionLevelEncoding = false;
        var hasRepetitionLevelEncoding = false;
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
                    result.Encoding = (Encoding)reader.ReadI32();
                    hasEncoding = true;
                    break;
                case 3 when field.Type == ThriftType.I32:
                    result.DefinitionLevelEncoding = (Encoding)reader.ReadI32();
                    hasDefinitionLevelEncoding = true;
                    break;
                case 4 when field.Type == ThriftType.I32:
                    result.RepetitionLevelEncoding = (Encoding)reader.ReadI32();
                    hasRepetitionLevelEncoding = true;
                    break;
                case 5 when field.Type == ThriftType.Struct:
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
            throw FormatErrors.MissingField(nameof(DataPageHeader), "num_values", 1, start);
        }

        if (!hasEncoding)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeader), "encoding", 2, start);
        }

        if (!hasDefinitionLevelEncoding)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeader), "definition_level_encoding", 3, start);
        }

        if (!hasRepetitionLevelEncoding)
        {
            throw FormatErrors.MissingField(nameof(DataPageHeader), "repetition_level_encoding", 4, start);
        }

        return result;
    }
}
