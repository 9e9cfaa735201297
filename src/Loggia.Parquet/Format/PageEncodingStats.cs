using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Number of pages of one type using one encoding in a column chunk.</summary>
public sealed class PageEncodingStats : IThriftStruct<PageEncodingStats>
{
    /// <summary>Page type (Thrift field 1 <c>page_type</c>, required).</summary>
    public PageType PageType { get; set; }

    /// <summary>Encoding (Thrift field 2 <c>encoding</c>, required).</summary>
    public Encoding Encoding { get; set; }

    /// <summary>Number of pages (Thrift field 3 <c>count</c>, required).</summary>
    public int Count { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)PageType);
        writer.WriteI32Field(2, (int)Encoding);
        writer.WriteI32Field(3, Count);

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static PageEncodingStats Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new PageEncodingStats();
        var hasPageType = false;
        var hasEncoding = false;
        var hasCount = false;
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
                    result.PageType = (PageType)reader.ReadI32();
                    hasPageType = true;
                    break;
                case 2 when field.Type == ThriftType.I32:
                    result.Encoding = (Encoding)reader.ReadI32();
                    hasEncoding = true;
                    break;
                case 3 when field.Type == ThriftType.I32:
                    result.Count = reader.ReadI32();
                    hasCount = true;
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasPageType)
        {
            throw FormatErrors.MissingField(nameof(PageEncodingStats), "page_type", 1, start);
        }

        if (!hasEncoding)
        {
            throw FormatErrors.MissingField(nameof(PageEncodingStats), "encoding", 2, start);
        }

        if (!hasCount)
        {
            throw FormatErrors.MissingField(nameof(PageEncodingStats), "count", 3, start);
        }

        return result;
    }
}
