using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Header preceding every page in a column chunk.</summary>
public sealed class PageHeader : IThriftStruct<PageHeader>
{
    /// <summary>Kind of page (Thrift field 1 <c>type</c>, required).</summary>
    public PageType Type { get; set; }

    /// <summary>Page body size before compression, excluding this header (Thrift field 2 <c>uncompressed_page_size</c>, required).</summary>
    public int UncompressedPageSize { get; set; }

    /// <summary>Page body size as stored, excluding this header (Thrift field 3 <c>compressed_page_size</c>, required).</summary>
    public int CompressedPageSize { get; set; }

    /// <summary>CRC32 of the stored page body (Thrift field 4 <c>crc</c>).</summary>
    public int? Crc { get; set; }

    /// <summary>Set for DATA_PAGE (Thrift field 5 <c>data_page_header</c>).</summary>
    public DataPageHeader? DataPageHeader { get; set; }

    /// <summary>Set for INDEX_PAGE (Thrift field 6 <c>index_page_header</c>).</summary>
    public IndexPageHeader? IndexPageHeader { get; set; }

    /// <summary>Set for DICTIONARY_PAGE (Thrift field 7 <c>dictionary_page_header</c>).</summary>
    public DictionaryPageHeader? DictionaryPageHeader { get; set; }

    /// <summary>Set for DATA_PAGE_V2 (Thrift field 8 <c>data_page_header_v2</c>).</summary>
    public DataPageHeaderV2? DataPageHeaderV2 { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)Type);
        writer.WriteI32Field(2, UncompressedPageSize);
        writer.WriteI32Field(3, CompressedPageSize);
        if (Crc is { } crc)
        {
            writer.WriteI32Field(4, crc);
        }

        if (DataPageHeader is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 5);
            DataPageHeader.Write(ref writer);
        }

        if (IndexPageHeader is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 6);
            IndexPageHeader.Write(ref writer);
        }

        if (DictionaryPageHeader is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 7);
            DictionaryPageHeader.Write(ref writer);
        }

        if (DataPageHeaderV2 is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 8);
            DataPageHeaderV2.Write(ref writer);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static PageHeader Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new PageHeader();
        var hasType = false;
        var hasUncompressedPageSize = false;
        var hasCompressedPageSize = false;
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
                    result.Type = (PageType)reader.ReadI32();
                    hasType = true;
                    break;
                case 2 when field.Type == ThriftType.I32:
                    result.UncompressedPageSize = reader.ReadI32();
                    hasUncompressedPageSize = true;
                    break;
                case 3 when field.Type == ThriftType.I32:
                    result.CompressedPageSize = reader.ReadI32();
                    hasCompressedPageSize = true;
                    break;
                case 4 when field.Type == ThriftType.I32:
                    result.Crc = reader.ReadI32();
                    break;
                case 5 when field.Type == ThriftType.Struct:
                    result.DataPageHeader = DataPageHeader.Read(ref reader);
                    break;
                case 6 when field.Type == ThriftType.Struct:
                    result.IndexPageHeader = IndexPageHeader.Read(ref reader);
                    break;
                case 7 when field.Type == ThriftType.Struct:
                    result.DictionaryPageHeader = DictionaryPageHeader.Read(ref reader);
                    break;
                case 8 when field.Type == ThriftType.Struct:
                    result.DataPageHeaderV2 = DataPageHeaderV2.Read(ref reader);
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasType)
        {
            throw FormatErrors.MissingField(nameof(PageHeader), "type", 1, start);
        }

        if (!hasUncompressedPageSize)
        {
            throw FormatErrors.MissingField(nameof(PageHeader), "uncompressed_page_size", 2, start);
        }

        if (!hasCompressedPageSize)
        {
            throw FormatErrors.MissingField(nameof(PageHeader), "compressed_page_size", 3, start);
        }

        // Callers use these sizes to find and allocate the page body, so negative values are rejected here.
        if (result.UncompressedPageSize < 0 || result.CompressedPageSize < 0)
        {
            throw new ParquetFormatException(
                $"PageHeader has a negative page size (compressed {result.CompressedPageSize}, uncompressed {result.UncompressedPageSize})",
                start);
        }

        return result;
    }
}
