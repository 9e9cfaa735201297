using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Description of one column chunk. Field 16 (size_statistics) and later are skipped on read.</summary>
public sealed class ColumnMetaData : IThriftStruct<ColumnMetaData>
{
    /// <summary>Physical type (Thrift field 1 <c>type</c>, required).</summary>
    public PhysicalType Type { get; set; }

    /// <summary>Encodings used in the chunk (Thrift field 2 <c>encodings</c>, required).</summary>
    public List<Encoding> Encodings { get; set; } = [];

    /// <summary>Path of the column in the schema (Thrift field 3 <c>path_in_schema</c>, required).</summary>
    public List<string> PathInSchema { get; set; } = [];

    /// <summary>Compression codec (Thrift field 4 <c>codec</c>, required).</summary>
    public CompressionCodec Codec { get; set; }

    /// <summary>Number of values including nulls (Thrift field 5 <c>num_values</c>, required).</summary>
    public long NumValues { get; set; }

    /// <summary>Total uncompressed size including page headers (Thrift field 6 <c>total_uncompressed_size</c>, required).</summary>
    public long TotalUncompressedSize { get; set; }

    /// <summary>Total stored size including page headers (Thrift field 7 <c>total_compressed_size</c>, required).</summary>
    public long TotalCompressedSize { get; set; }

    /// <summary>Optional key/value metadata (Thrift field 8 <c>key_value_metadata</c>).</summary>
    public List<KeyValue>? KeyValueMetadata { get; set; }

    /// <summary>File offset of the first data page (Thrift field 9 <c>data_page_offset</c>, required).</summary>
    public long DataPageOffset { get; set; }

    /// <summary>File offset of the first index page (Thrift field 10 <c>index_page_offset</c>).</summary>
    public long? IndexPageOffset { get; set; }

    /// <summary>File offset of the dictionary page (Thrift field 11 <c>dictionary_page_offset</c>).</summary>
    public long? DictionaryPageOffset { get; set; }

    /// <summary>Chunk statistics (Thrift field 12 <c>statistics</c>).</summary>
    public Statistics? Statistics { get; set; }

    /// <summary>Pages per type and encoding (Thrift field 13 <c>encoding_stats</c>).</summary>
    public List<PageEncodingStats>? EncodingStats { get; set; }

    /// <summary>File offset of the bloom filter (Thrift field 14 <c>bloom_filter_offset</c>).</summary>
    public long? BloomFilterOffset { get; set; }

    /// <summary>Size of the bloom filter (Thrift field 15 <c>bloom_filter_length</c>).</summary>
    public int? BloomFilterLength { get; set; }

    /// <summary>Writes this struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteI32Field(1, (int)Type);
        ThriftLists.WriteEncodings(ref writer, 2, Encodings);
        ThriftLists.WriteStrings(ref writer, 3, PathInSchema);
        writer.WriteI32Field(4, (int)Codec);
        writer.WriteI64Field(5, NumValues);
        writer.WriteI64Field(6, TotalUncompressedSize);
        writer.WriteI64Field(7, TotalCompressedSize);
        if (KeyValueMetadata is not null)
        {
            ThriftLists.WriteStructs(ref writer, 8, KeyValueMetadata);
        }

        writer.WriteI64Field(9, DataPageOffset);
        if (IndexPageOffset is { } indexPageOffset)
        {
            writer.WriteI64Field(10, indexPageOffset);
        }

        if (DictionaryPageOffset is { } dictionaryPageOffset)
        {
            writer.WriteI64Field(11, dictionaryPageOffset);
        }

        if (Statistics is not null)
        {
            writer.WriteFieldBegin(ThriftType.Struct, 12);
            Statistics.Write(ref writer);
        }

        if (EncodingStats is not null)
        {
            ThriftLists.WriteStructs(ref writer, 13, EncodingStats);
        }

        if (BloomFilterOffset is { } bloomFilterOffset)
        {
            writer.WriteI64Field(14, bloomFilterOffset);
        }

        if (BloomFilterLength is { } bloomFilterLength)
        {
            writer.WriteI32Field(15, bloomFilterLength);
        }

        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping unknown fields and fields whose wire type does not match (as Thrift-generated code does).</summary>
    public static ColumnMetaData Read(ref ThriftCompactReader reader)
    {
        var start = reader.Position;
        var result = new ColumnMetaData();
        var hasType = false;
        var hasEncodings = false;
        var hasPathInSchema = false;
        var hasCodec = false;
        var hasNumValues = false;
        var hasTotalUncompressedSize = false;
        var hasTotalCompressedSize = false;
        var hasDataPageOffset = false;
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
                    result.Type = (PhysicalType)reader.ReadI32();
                    hasType = true;
                    break;
                case 2 when field.Type == ThriftType.List:
                    result.Encodings = ThriftLists.ReadEncodings(ref reader);
                    hasEncodings = true;
                    break;
                case 3 when field.Type == ThriftType.List:
                    result.PathInSchema = ThriftLists.ReadStrings(ref reader);
                    hasPathInSchema = true;
                    break;
                case 4 when field.Type == ThriftType.I32:
                    result.Codec = (CompressionCodec)reader.ReadI32();
                    hasCodec = true;
                    break;
                case 5 when field.Type == ThriftType.I64:
                    result.NumValues = reader.ReadI64();
                    hasNumValues = true;
                    break;
                case 6 when field.Type == ThriftType.I64:
                    result.TotalUncompressedSize = reader.ReadI64();
                    hasTotalUncompressedSize = true;
                    break;
                case 7 when field.Type == ThriftType.I64:
                    result.TotalCompressedSize = reader.ReadI64();
                    hasTotalCompressedSize = true;
                    break;
                case 8 when field.Type == ThriftType.List:
                    result.KeyValueMetadata = ThriftLists.ReadStructs<KeyValue>(ref reader);
                    break;
                case 9 when field.Type == ThriftType.I64:
                    result.DataPageOffset = reader.ReadI64();
                    hasDataPageOffset = true;
                    break;
                case 10 when field.Type == ThriftType.I64:
                    result.IndexPageOffset = reader.ReadI64();
                    break;
                case 11 when field.Type == ThriftType.I64:
                    result.DictionaryPageOffset = reader.ReadI64();
                    break;
                case 12 when field.Type == ThriftType.Struct:
                    result.Statistics = Statistics.Read(ref reader);
                    break;
                case 13 when field.Type == ThriftType.List:
                    result.EncodingStats = ThriftLists.ReadStructs<PageEncodingStats>(ref reader);
                    break;
                case 14 when field.Type == ThriftType.I64:
                    result.BloomFilterOffset = reader.ReadI64();
                    break;
                case 15 when field.Type == ThriftType.I32:
                    result.BloomFilterLength = reader.ReadI32();
                    break;
                default:
                    reader.Skip(field.Type);
                    break;
            }
        }

        reader.ReadStructEnd();
        if (!hasType)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "type", 1, start);
        }

        if (!hasEncodings)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "encodings", 2, start);
        }

        if (!hasPathInSchema)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "path_in_schema", 3, start);
        }

        if (!hasCodec)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "codec", 4, start);
        }

        if (!hasNumValues)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "num_values", 5, start);
        }

        if (!hasTotalUncompressedSize)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "total_uncompressed_size", 6, start);
        }

        if (!hasTotalCompressedSize)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "total_compressed_size", 7, start);
        }

        if (!hasDataPageOffset)
        {
            throw FormatErrors.MissingField(nameof(ColumnMetaData), "data_page_offset", 9, start);
        }

        return result;
    }
}
