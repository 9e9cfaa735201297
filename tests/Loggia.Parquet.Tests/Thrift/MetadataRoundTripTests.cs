using Loggia.Parquet.Format;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

public class MetadataRoundTripTests
{
    public static TheoryData<string> StructNames() =>
    [
        nameof(Statistics), nameof(SchemaElement), nameof(DataPageHeader), nameof(IndexPageHeader),
        nameof(DictionaryPageHeader), nameof(DataPageHeaderV2), nameof(PageHeader), nameof(KeyValue),
        nameof(SortingColumn), nameof(PageEncodingStats), nameof(ColumnMetaData), nameof(ColumnChunk),
        nameof(RowGroup), nameof(FileMetaData), nameof(PageLocation), nameof(OffsetIndex), nameof(ColumnIndex),
    ];

    [Theory]
    [MemberData(nameof(StructNames))]
    public void RoundTrip_AllOptionalFieldsSet_PreservesEveryField(string structName)
    {
        var copy = structName switch
        {
            nameof(Statistics) => (object)MetadataAssert.RoundTrip(SampleMetadata.FullStatistics()),
            nameof(SchemaElement) => MetadataAssert.RoundTrip(SampleMetadata.FullSchemaElement()),
            nameof(DataPageHeader) => MetadataAssert.RoundTrip(SampleMetadata.FullDataPageHeader()),
            nameof(IndexPageHeader) => MetadataAssert.RoundTrip(new IndexPageHeader()),
            nameof(DictionaryPageHeader) => MetadataAssert.RoundTrip(SampleMetadata.FullDictionaryPageHeader()),
            nameof(DataPageHeaderV2) => MetadataAssert.RoundTrip(SampleMetadata.FullDataPageHeaderV2()),
            nameof(PageHeader) => MetadataAssert.RoundTrip(SampleMetadata.FullPageHeader()),
            nameof(KeyValue) => MetadataAssert.RoundTrip(SampleMetadata.FullKeyValue()),
            nameof(SortingColumn) => MetadataAssert.RoundTrip(SampleMetadata.FullSortingColumn()),
            nameof(PageEncodingStats) => MetadataAssert.RoundTrip(SampleMetadata.FullPageEncodingStats()),
            nameof(ColumnMetaData) => MetadataAssert.RoundTrip(SampleMetadata.FullColumnMetaData()),
            nameof(ColumnChunk) => MetadataAssert.RoundTrip(SampleMetadata.FullColumnChunk()),
            nameof(RowGroup) => MetadataAssert.RoundTrip(SampleMetadata.FullRowGroup()),
            nameof(FileMetaData) => MetadataAssert.RoundTrip(SampleMetadata.FullFileMetaData()),
            nameof(PageLocation) => MetadataAssert.RoundTrip(SampleMetadata.FullPageLocation()),
            nameof(OffsetIndex) => MetadataAssert.RoundTrip(SampleMetadata.FullOffsetIndex()),
            nameof(ColumnIndex) => MetadataAssert.RoundTrip(SampleMetadata.FullColumnIndex()),
            _ => throw new ArgumentOutOfRangeException(nameof(structName)),
        };

        MetadataAssert.OptionalPropertiesAre(copy, expectSet: true);
    }

    [Theory]
    [MemberData(nameof(StructNames))]
    public void RoundTrip_NoOptionalFieldsSet_ReadsOptionalsAsNull(string structName)
    {
        var copy = structName switch
        {
            nameof(Statistics) => (object)MetadataAssert.RoundTrip(new Statistics()),
            nameof(SchemaElement) => MetadataAssert.RoundTrip(new SchemaElement { Name = "x" }),
            nameof(DataPageHeader) => MetadataAssert.RoundTrip(new DataPageHeader()),
            nameof(IndexPageHeader) => MetadataAssert.RoundTrip(new IndexPageHeader()),
            nameof(DictionaryPageHeader) => MetadataAssert.RoundTrip(new DictionaryPageHeader()),
            nameof(DataPageHeaderV2) => MetadataAssert.RoundTrip(new DataPageHeaderV2()),
            nameof(PageHeader) => MetadataAssert.RoundTrip(new PageHeader()),
            nameof(KeyValue) => MetadataAssert.RoundTrip(new KeyValue()),
            nameof(SortingColumn) => MetadataAssert.RoundTrip(new SortingColumn()),
            nameof(PageEncodingStats) => MetadataAssert.RoundTrip(new PageEncodingStats()),
            nameof(ColumnMetaData) => MetadataAssert.RoundTrip(new ColumnMetaData()),
            nameof(ColumnChunk) => MetadataAssert.RoundTrip(new ColumnChunk()),
            nameof(RowGroup) => MetadataAssert.RoundTrip(new RowGroup()),
            nameof(FileMetaData) => MetadataAssert.RoundTrip(new FileMetaData()),
            nameof(PageLocation) => MetadataAssert.RoundTrip(new PageLocation()),
            nameof(OffsetIndex) => MetadataAssert.RoundTrip(new OffsetIndex()),
            nameof(ColumnIndex) => MetadataAssert.RoundTrip(new ColumnIndex()),
            _ => throw new ArgumentOutOfRangeException(nameof(structName)),
        };

        MetadataAssert.OptionalPropertiesAre(copy, expectSet: false);
    }

    public static TheoryData<string> LogicalTypeNames() =>
    [
        "String", "Map", "List", "Enum", "Decimal", "Date", "TimeMillis", "TimeMicrosUtc", "TimestampMillis",
        "TimestampMicrosUtc", "TimestampNanosUtc", "Int8", "UInt64", "Unknown", "Json", "Bson", "Uuid", "Float16",
    ];

    [Theory]
    [MemberData(nameof(LogicalTypeNames))]
    public void RoundTrip_EveryLogicalType_PreservesKindAndParameters(string name)
    {
        var logicalType = name switch
        {
            "String" => LogicalType.String(),
            "Map" => LogicalType.Map(),
            "List" => LogicalType.List(),
            "Enum" => LogicalType.Enum(),
            "Decimal" => LogicalType.Decimal(38, 10),
            "Date" => LogicalType.Date(),
            "TimeMillis" => LogicalType.Time(TimeUnit.Millis, utc: false),
            "TimeMicrosUtc" => LogicalType.Time(TimeUnit.Micros, utc: true),
            "TimestampMillis" => LogicalType.TimestampMillis(utc: false),
            "TimestampMicrosUtc" => LogicalType.TimestampMicros(utc: true),
            "TimestampNanosUtc" => LogicalType.TimestampNanos(utc: true),
            "Int8" => LogicalType.Integer(8, signed: true),
            "UInt64" => LogicalType.Integer(64, signed: false),
            "Unknown" => LogicalType.Unknown(),
            "Json" => LogicalType.Json(),
            "Bson" => LogicalType.Bson(),
            "Uuid" => LogicalType.Uuid(),
            "Float16" => LogicalType.Float16(),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        var copy = MetadataAssert.RoundTrip(logicalType);

        Assert.NotEqual(LogicalTypeKind.Unrecognized, copy.Kind);
        Assert.Equal(logicalType.ToString(), copy.ToString());
    }

    [Fact]
    public void Read_FileMetaData_ExposesSchemaLogicalTypesAndRowGroups()
    {
        var bytes = ParquetMetadataSerializer.Serialize(SampleMetadata.FullFileMetaData());

        var metadata = ParquetMetadataSerializer.ReadFileMetaData(bytes);

        Assert.Equal(7, metadata.Schema.Count);
        Assert.Equal(LogicalTypeKind.Timestamp, metadata.Schema[1].LogicalType!.Kind);
        Assert.Equal(TimeUnit.Nanos, metadata.Schema[1].LogicalType!.TimeUnit);
        Assert.True(metadata.Schema[1].LogicalType!.IsAdjustedToUtc);
        Assert.Equal(18, metadata.Schema[4].LogicalType!.Precision);
        Assert.Equal(4, metadata.Schema[4].LogicalType!.Scale);
        Assert.Equal(8, metadata.Schema[3].LogicalType!.BitWidth);
        Assert.False(metadata.Schema[3].LogicalType!.IsSigned);
        Assert.Equal(CompressionCodec.Zstd, metadata.RowGroups[0].Columns[0].MetaData!.Codec);
        Assert.Equal(["attributes", "key_value", "value"], metadata.RowGroups[0].Columns[0].MetaData!.PathInSchema);
        Assert.Equal(ColumnOrderKind.TypeDefinedOrder, metadata.ColumnOrders![1].Kind);
    }

    [Fact]
    public void ReadPageHeader_FollowedByPageBody_ReportsHeaderLength()
    {
        var header = ParquetMetadataSerializer.Serialize(SampleMetadata.FullPageHeader());
        var file = new byte[header.Length + 5];
        header.CopyTo(file, 0);

        var read = ParquetMetadataSerializer.ReadPageHeader(file, out var headerLength);

        Assert.Equal(header.Length, headerLength);
        Assert.Equal(1234, read.CompressedPageSize);
    }

    [Fact]
    public void DataPageHeaderV2_IsCompressedAbsent_DefaultsToTrue()
    {
        var copy = MetadataAssert.RoundTrip(new DataPageHeaderV2());

        Assert.Null(copy.IsCompressed);
        Assert.True(copy.IsCompressedOrDefault);
    }
}
