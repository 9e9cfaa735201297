using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Page locations of one column chunk, used to seek to pages by row.</summary>
public sealed class OffsetIndex : IThriftStruct<OffsetIndex>
{
    /// <summary>One entry per data page (Thrift field 1 <c>page_locations</c>, required).</summary>
    public List<PageLocation> PageLocations { get; set; } = [];

    /// <summary>Unencoded BYTE_ARRAY bytes per page (Thrift field 2 <c>unencoded_byte_array_data_bytes</c>).</summary>
    public List<long>? UnencodedByteArrayDataBytes { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        ThriftLists.WriteStructs(ref writer, 1, PageLocations);
        if (UnencodedByteArrayDataBytes is not null)
        {
            ThriftLists.WriteI64s(ref writer, 2, UnencodedByteArrayDataBytes);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static OffsetIndex Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new OffsetIndex();
        var hasPageLocations = false;
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
                    result.PageLocations = ThriftLists.ReadStructs<PageLocation>(ref reader);
                    hasPageLocations = true;
                    break;
                case 2 when field.Type == ThriftType.List:
                    result.UnencodedByteArrayDataBytes = ThriftLists.ReadI64s(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasPageLocations)
        {
            throw FormatErrors.MissingField(nameof(OffsetIndex), "page_locations", 1, start);
        }

        return result;
    }
}
