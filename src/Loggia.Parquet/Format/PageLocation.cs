using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Location of one data page, an entry of the <see cref="OffsetIndex"/>.</summary>
public sealed class PageLocation : IThriftStruct<PageLocation>
{
    /// <summary>File offset of the page header (Thrift field 1 <c>offset</c>, required).</summary>
    public long Offset { get; set; }

    /// <summary>Size of the page including its header (Thrift field 2 <c>compressed_page_size</c>, required).</summary>
    public int CompressedPageSize { get; set; }

    /// <summary>Index of the page's first row within the row group (Thrift field 3 <c>first_row_index</c>, required).</summary>
    public long FirstRowIndex { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI64Field(1, Offset);
        writer.WriteI32Field(2, CompressedPageSize);
        writer.WriteI64Field(3, FirstRowIndex);

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static PageLocation Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new PageLocation();
        var hasOffset = false;
        var hasCompressedPageSize = false;
        var hasFirstRowIndex = false;
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
                case 1 when field.Type == ThriftType.I64:
                    result.Offset = reader.ReadI64();
                    hasOffset = true;
                    break;
                case 2 when field.Type == ThriftType.I32:
                    result.CompressedPageSize = reader.ReadI32();
                    hasCompressedPageSize = true;
                    break;
                case 3 when field.Type == ThriftType.I64:
                    result.FirstRowIndex = reader.ReadI64();
                    hasFirstRowIndex = true;
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasOffset)
        {
            throw FormatErrors.MissingField(nameof(PageLocation), "offset", 1, start);
        }

        if (!hasCompressedPageSize)
        {
            throw FormatErrors.MissingField(nameof(PageLocation), "compressed_page_size", 2, start);
        }

        if (!hasFirstRowIndex)
        {
            throw FormatErrors.MissingField(nameof(PageLocation), "first_row_index", 3, start);
        }

        return result;
    }
}
