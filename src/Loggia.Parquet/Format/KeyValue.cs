using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>A key/value metadata entry.</summary>
public sealed class KeyValue : IThriftStruct<KeyValue>
{
    /// <summary>Key (Thrift field 1 <c>key</c>, required).</summary>
    public string Key { get; set; } = "";

    /// <summary>Value (Thrift field 2 <c>value</c>).</summary>
    public string? Value { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteStringField(1, Key);
        if (Value is not null)
        {
            writer.WriteStringField(2, Value);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static KeyValue Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new KeyValue();
        var hasKey = false;
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
                    result.Key = reader.ReadString();
                    hasKey = true;
                    break;
                case 2 when field.Type == ThriftType.Binary:
                    result.Value = reader.ReadString();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasKey)
        {
            throw FormatErrors.MissingField(nameof(KeyValue), "key", 1, start);
        }

        return result;
    }
}
