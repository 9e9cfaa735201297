using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>A column the rows of a row group are sorted by.</summary>
public sealed class SortingColumn : IThriftStruct<SortingColumn>
{
    /// <summary>Index of the leaf column (Thrift field 1 <c>column_idx</c>, required).</summary>
    public int ColumnIdx { get; set; }

    /// <summary>Whether the order is descending (Thrift field 2 <c>descending</c>, required).</summary>
    public bool Descending { get; set; }

    /// <summary>Whether nulls sort before values (Thrift field 3 <c>nulls_first</c>, required).</summary>
    public bool NullsFirst { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, ColumnIdx);
        writer.WriteBoolField(2, Descending);
        writer.WriteBoolField(3, NullsFirst);

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static SortingColumn Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new SortingColumn();
        var hasColumnIdx = false;
        var hasDescending = false;
        var hasNullsFirst = false;
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
                    result.ColumnIdx = reader.ReadI32();
                    hasColumnIdx = true;
                    break;
                case 2 when field.Type == ThriftType.Bool:
                    result.Descending = reader.ReadBool();
                    hasDescending = true;
                    break;
                case 3 when field.Type == ThriftType.Bool:
                    result.NullsFirst = reader.ReadBool();
                    hasNullsFirst = true;
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasColumnIdx)
        {
            throw FormatErrors.MissingField(nameof(SortingColumn), "column_idx", 1, start);
        }

        if (!hasDescending)
        {
            throw FormatErrors.MissingField(nameof(SortingColumn), "descending", 2, start);
        }

        if (!hasNullsFirst)
        {
            throw FormatErrors.MissingField(nameof(SortingColumn), "nulls_first", 3, start);
        }

        return result;
    }
}
