using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>
/// Sort order used for a leaf column's min/max statistics (the parquet.thrift <c>ColumnOrder</c> union).
/// Unknown members are read as <see cref="ColumnOrderKind.Unrecognized"/> with their encoded bytes preserved.
/// </summary>
public sealed class ColumnOrder : IThriftStruct<ColumnOrder>
{
    private ColumnOrder(ColumnOrderKind kind)
    {
        Kind = kind;
    }

    /// <summary>Which union member is set.</summary>
    public ColumnOrderKind Kind { get; }

    /// <summary>For <see cref="ColumnOrderKind.Unrecognized"/>: the union field id of the member, or 0 if none was set.</summary>
    public short UnrecognizedFieldId { get; private init; }

    /// <summary>For <see cref="ColumnOrderKind.Unrecognized"/>: the member's encoded struct bytes, or null if none was set.</summary>
    public byte[]? UnrecognizedValue { get; private init; }

    /// <summary>The type-defined order (TYPE_ORDER), the only order the format defines today.</summary>
    public static ColumnOrder TypeDefinedOrder() => new(ColumnOrderKind.TypeDefinedOrder);

    /// <summary>Writes this union.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        if (Kind == ColumnOrderKind.TypeDefinedOrder)
        {
            ThriftUnions.WriteEmptyMember(ref writer, (short)ColumnOrderKind.TypeDefinedOrder);
        }
        else if (UnrecognizedValue is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, UnrecognizedFieldId);
            writer.WriteRaw(UnrecognizedValue);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this union; unknown members become <see cref="ColumnOrderKind.Unrecognized"/> instead of failing.</summary>
    public static ColumnOrder Read(ref ThriftCompactReader reader)
    {
        var result = new ColumnOrder(ColumnOrderKind.Unrecognized);
        reader.ReadStructBegin();
        while (true)
        {
            var field = reader.ReadFieldBegin();
            if (field.IsStop)
            {
                break;
            }

            if (field.Type != ThriftType.Struct)
            {
                // Every union member is a struct; anything else is not a member we could represent.
                reader.Skip(field.Type);
            }
            else if (field.Id == (short)ColumnOrderKind.TypeDefinedOrder)
            {
                reader.Skip(ThriftType.Struct);
                result = TypeDefinedOrder();
            }
            else
            {
                var encoded = reader.SkipAndCapture(ThriftType.Struct);
                result = new ColumnOrder(ColumnOrderKind.Unrecognized) { UnrecognizedFieldId = field.Id, UnrecognizedValue = encoded.ToArray() };
            }
        }

        reader.ReadStructEnd();
        return result;
    }
}
