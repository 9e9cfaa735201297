using Loggia.Parquet.Format;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

/// <summary>Reading metadata written by other (or newer) writers that carry fields and union members we do not model.</summary>
public class MetadataCompatibilityTests
{
    [Fact]
    public void Read_KeyValueWithExtraFieldsOfEveryType_SkipsThemAndReadsKnownFields()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteStructBegin();
            w.WriteStringField(1, "key");
            ThriftTestData.WriteExtraFieldsOfEveryType(ref w, firstId: 3);
            w.WriteStringField(2, "value");
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        var kv = ParquetMetadataSerializer.Read<KeyValue>(bytes, out var bytesRead);

        Assert.Equal("key", kv.Key);
        Assert.Equal("value", kv.Value);
        Assert.Equal(bytes.Length, bytesRead);
    }

    [Fact]
    public void Read_FileMetaDataWithUnknownFieldsInNestedStructs_SkipsThem()
    {
        // Append unknown fields (ids 20+) to every struct of a real footer by writing it field by field
        // through a ColumnChunk carrying encryption fields 8 and 9, which we do not model.
        var chunk = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteStructBegin();
            w.WriteI64Field(2, 77);
            w.WriteFieldBegin(ThriftType.Struct, 8); // crypto_metadata: union ENCRYPTION_WITH_FOOTER_KEY
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Struct, 1);
            w.WriteStructBegin();
            w.WriteFieldStop();
            w.WriteStructEnd();
            w.WriteFieldStop();
            w.WriteStructEnd();
            w.WriteBinaryField(9, new byte[] { 1, 2, 3 }); // encrypted_column_metadata
            ThriftTestData.WriteExtraFieldsOfEveryType(ref w, firstId: 20);
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        var read = ParquetMetadataSerializer.Read<ColumnChunk>(chunk, out var bytesRead);

        Assert.Equal(77, read.FileOffset);
        Assert.Null(read.MetaData);
        Assert.Equal(chunk.Length, bytesRead);
    }

    [Fact]
    public void Read_LogicalTypeWithUnknownMember_IsUnrecognizedAndRewrittenVerbatim()
    {
        // VARIANT (field 16) = VariantType { 1: i8 specification_version = 1 }, not modeled by this library.
        byte[] bytes = [0x0C, 0x20, 0x13, 0x01, 0x00, 0x00];

        var logicalType = ParquetMetadataSerializer.Read<LogicalType>(bytes, out var bytesRead);

        Assert.Equal(LogicalTypeKind.Unrecognized, logicalType.Kind);
        Assert.Equal(16, logicalType.UnrecognizedFieldId);
        Assert.Equal(bytes.Length, bytesRead);
        Assert.Equal(bytes, ParquetMetadataSerializer.Serialize(logicalType));
    }

    [Fact]
    public void Read_SchemaElementWithUnknownLogicalTypeMember_KeepsConvertedTypeAndName()
    {
        var element = new SchemaElement { Name = "geo", Type = PhysicalType.ByteArray, ConvertedType = ConvertedType.Utf8 };
        var prefix = ParquetMetadataSerializer.Serialize(element);

        // Replace the final stop with logicalType (field 10, delta 4 from converted_type) holding
        // GEOMETRY (field 17, long form) = GeometryType { 1: crs = "x" }, a member this library does not model.
        byte[] bytes = [.. prefix[..^1], 0x4C, 0x0C, 0x22, 0x18, 0x01, (byte)'x', 0x00, 0x00, 0x00];

        var read = ParquetMetadataSerializer.Read<SchemaElement>(bytes, out _);

        Assert.Equal("geo", read.Name);
        Assert.Equal(ConvertedType.Utf8, read.ConvertedType);
        Assert.Equal(LogicalTypeKind.Unrecognized, read.LogicalType!.Kind);
        Assert.Equal(17, read.LogicalType.UnrecognizedFieldId);
        Assert.Equal(bytes, ParquetMetadataSerializer.Serialize(read));
    }

    [Fact]
    public void Read_TimestampWithUnknownTimeUnit_IsUnrecognizedAndRewrittenVerbatim()
    {
        // TIMESTAMP (8) { 1: isAdjustedToUTC = true, 2: unit = { 4: PICOS {} } }
        byte[] bytes = [0x8C, 0x11, 0x1C, 0x4C, 0x00, 0x00, 0x00, 0x00];

        var logicalType = ParquetMetadataSerializer.Read<LogicalType>(bytes, out _);

        Assert.Equal(LogicalTypeKind.Unrecognized, logicalType.Kind);
        Assert.Equal(8, logicalType.UnrecognizedFieldId);
        Assert.Equal(bytes, ParquetMetadataSerializer.Serialize(logicalType));
    }

    [Fact]
    public void Read_ColumnOrderWithUnknownMember_IsUnrecognizedAndRewrittenVerbatim()
    {
        byte[] bytes = [0x2C, 0x15, 0x02, 0x00, 0x00];

        var order = ParquetMetadataSerializer.Read<ColumnOrder>(bytes, out _);

        Assert.Equal(ColumnOrderKind.Unrecognized, order.Kind);
        Assert.Equal(2, order.UnrecognizedFieldId);
        Assert.Equal(bytes, ParquetMetadataSerializer.Serialize(order));
    }

    [Fact]
    public void Read_EmptyLogicalTypeUnion_IsUnrecognizedWithoutValue()
    {
        var logicalType = ParquetMetadataSerializer.Read<LogicalType>(new byte[] { 0x00 }, out _);

        Assert.Equal(LogicalTypeKind.Unrecognized, logicalType.Kind);
        Assert.Null(logicalType.UnrecognizedValue);
        Assert.Equal(new byte[] { 0x00 }, ParquetMetadataSerializer.Serialize(logicalType));
    }

    [Fact]
    public void Read_KnownFieldWithUnexpectedWireType_IsSkippedLikeThriftGeneratedCode()
    {
        // Statistics.null_count (3) sent as binary instead of i64.
        byte[] bytes = [0x38, 0x01, 0xAA, 0x00];

        var statistics = ParquetMetadataSerializer.Read<Statistics>(bytes, out _);

        Assert.Null(statistics.NullCount);
    }

    [Fact]
    public void Read_RequiredFieldWithUnexpectedWireType_ThrowsMissingField()
    {
        // KeyValue.key (1) sent as i32: skipped, so the required key is missing.
        byte[] bytes = [0x15, 0x02, 0x00];

        var ex = Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.Read<KeyValue>(bytes, out _));

        Assert.Contains("KeyValue.key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void Read_SchemaElementWithoutName_ThrowsParquetFormatException()
    {
        byte[] bytes = [0x15, 0x02, 0x00];

        var ex = Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.Read<SchemaElement>(bytes, out _));

        Assert.Contains("name", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NestedMissingRequiredField_ReportsOffsetOfNestedStruct()
    {
        // PageHeader with all required fields, then data_page_header (5) that lacks num_values.
        byte[] bytes = [0x15, 0x00, 0x15, 0x02, 0x15, 0x02, 0x2C, 0x25, 0x00, 0x15, 0x00, 0x15, 0x00, 0x00, 0x00];

        var ex = Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.ReadPageHeader(bytes, out _));

        Assert.Contains("DataPageHeader.num_values", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(7, ex.Offset);
    }

    [Fact]
    public void ReadPageHeader_NegativeCompressedSize_ThrowsParquetFormatException()
    {
        var bytes = ParquetMetadataSerializer.Serialize(new PageHeader { CompressedPageSize = -1 });

        Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.ReadPageHeader(bytes, out _));
    }

    [Fact]
    public void Read_ListWithWrongElementType_ThrowsParquetFormatException()
    {
        // ColumnIndex.null_pages (1) as a list of i32.
        byte[] bytes = [0x19, 0x15, 0x02, 0x00];

        Assert.Throws<ParquetFormatException>(() => ParquetMetadataSerializer.ReadColumnIndex(bytes));
    }
}
