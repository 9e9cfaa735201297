using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Min/max/null statistics of a column chunk or page. <c>Max</c>/<c>Min</c> are the deprecated signed-order fields; <c>MaxValue</c>/<c>MinValue</c> use the column order.</summary>
public sealed class Statistics : IThriftStruct<Statistics>
{
    /// <summary>Deprecated maximum (signed comparison) (Thrift field 1 <c>max</c>).</summary>
    public byte[]? Max { get; set; }

    /// <summary>Deprecated minimum (signed comparison) (Thrift field 2 <c>min</c>).</summary>
    public byte[]? Min { get; set; }

    /// <summary>Number of nulls (Thrift field 3 <c>null_count</c>).</summary>
    public long? NullCount { get; set; }

    /// <summary>Number of distinct values (Thrift field 4 <c>distinct_count</c>).</summary>
    public long? DistinctCount { get; set; }

    /// <summary>Maximum value, plain-encoded (Thrift field 5 <c>max_value</c>).</summary>
    public byte[]? MaxValue { get; set; }

    /// <summary>Minimum value, plain-encoded (Thrift field 6 <c>min_value</c>).</summary>
    public byte[]? MinValue { get; set; }

    /// <summary>Whether MaxValue is the actual maximum rather than a bound (Thrift field 7 <c>is_max_value_exact</c>).</summary>
    public bool? IsMaxValueExact { get; set; }

    /// <summary>Whether MinValue is the actual minimum rather than a bound (Thrift field 8 <c>is_min_value_exact</c>).</summary>
    public bool? IsMinValueExact { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (Max is not null)
        {
            writer.WriteBinaryField(1, Max);
        }

        if (Min is not null)
        {
            writer.WriteBinaryField(2, Min);
        }

        if (NullCount is { } nullCount)
        {
            writer.WriteI64Field(3, nullCount);
        }

        if (DistinctCount is { } distinctCount)
        {
            writer.WriteI64Field(4, distinctCount);
        }

        if (MaxValue is not null)
        {
            writer.WriteBinaryField(5, MaxValue);
        }

        if (MinValue is not null)
        {
            writer.WriteBinaryField(6, MinValue);
        }

        if (IsMaxValueExact is { } isMaxValueExact)
        {
            writer.WriteBoolField(7, isMaxValueExact);
        }

        if (IsMinValueExact is { } isMinValueExact)
        {
            writer.WriteBoolField(8, isMinValueExact);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static Statistics Read(ref ThriftCompactReader reader)
    {
        var result = new Statistics();
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
                    result.Max = reader.ReadBinary();
                    break;
                case 2 when field.Type == ThriftType.Binary:
                    result.Min = reader.ReadBinary();
                    break;
                case 3 when field.Type == ThriftType.I64:
                    result.NullCount = reader.ReadI64();
                    break;
                case 4 when field.Type == ThriftType.I64:
                    result.DistinctCount = reader.ReadI64();
                    break;
                case 5 when field.Type == ThriftType.Binary:
                    result.MaxValue = reader.ReadBinary();
                    break;
                case 6 when field.Type == ThriftType.Binary:
                    result.MinValue = reader.ReadBinary();
                    break;
                case 7 when field.Type == ThriftType.Bool:
                    result.IsMaxValueExact = reader.ReadBool();
                    break;
                case 8 when field.Type == ThriftType.Bool:
                    result.IsMinValueExact = reader.ReadBool();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        return result;
    }
}
