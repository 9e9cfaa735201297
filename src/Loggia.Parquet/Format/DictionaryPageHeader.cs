using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Header of a dictionary page.</summary>
public sealed class DictionaryPageHeader : IThriftStruct<DictionaryPageHeader>
{
    /// <summary>Number of dictionary entries (Thrift field 1 <c>num_values</c>, required).</summary>
    public int NumValues { get; set; }

    /// <summary>Encoding of the entries (Thrift field 2 <c>encoding</c>, required).</summary>
    public Encoding Encoding { get; set; }

    /// <summary>Whether the entries are sorted (Thrift field 3 <c>is_sorted</c>).</summary>
    public bool? IsSorted { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, NumValues);
        writer.WriteI32Field(2, (int)Encoding);
        if (IsSorted is { } isSorted)
        {
            writer.WriteBoolField(3, isSorted);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static DictionaryPageHeader Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new DictionaryPageHeader();
        var hasNumValues = false;
        var hasEncoding = false;
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
                case 3 when field.Type == ThriftType.Bool:
                    result.IsSorted = reader.ReadBool();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasNumValues)
        {
            throw FormatErrors.MissingField(nameof(DictionaryPageHeader), "num_values", 1, start);
        }

        if (!hasEncoding)
        {
            throw FormatErrors.MissingField(nameof(DictionaryPageHeader), "encoding", 2, start);
        }

        return result;
    }
}
