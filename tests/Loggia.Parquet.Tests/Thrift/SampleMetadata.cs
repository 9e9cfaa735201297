using Loggia.Parquet.Format;

namespace Loggia.Parquet.Tests.Thrift;

/// <summary>Metadata values with every optional field set, each to a distinct value so swapped fields show up.</summary>
internal static class SampleMetadata
{
    public static Statistics FullStatistics(int seed = 0) => new()
    {
        Max = [1, 2, (byte)seed],
        Min = [3],
        NullCount = 4 + seed,
        DistinctCount = 5,
        MaxValue = [6, 6],
        MinValue = [],
        IsMaxValueExact = true,
        IsMinValueExact = false,
    };

    public static SchemaElement FullSchemaElement() => new()
    {
        Type = PhysicalType.FixedLenByteArray,
        TypeLength = 16,
        RepetitionType = FieldRepetitionType.Optional,
        Name = "trace_id ✓",
        NumChildren = 0,
        ConvertedType = ConvertedType.Decimal,
        Scale = 2,
        Precision = 9,
        FieldId = 42,
        LogicalType = LogicalType.Uuid(),
    };

    public static DataPageHeader FullDataPageHeader() => new()
    {
        NumValues = 1000,
        Encoding = Encoding.RleDictionary,
        DefinitionLevelEncoding = Encoding.Rle,
        RepetitionLevelEncoding = Encoding.BitPacked,
        Statistics = FullStatistics(1),
    };

    public static DictionaryPageHeader FullDictionaryPageHeader() => new()
    {
        NumValues = 77,
        Encoding = Encoding.PlainDictionary,
        IsSorted = true,
    };

    public static DataPageHeaderV2 FullDataPageHeaderV2() => new()
    {
        NumValues = 500,
        NumNulls = 12,
        NumRows = 480,
        Encoding = Encoding.DeltaBinaryPacked,
        DefinitionLevelsByteLength = 33,
        RepetitionLevelsByteLength = 44,
        IsCompressed = false,
        Statistics = FullStatistics(2),
    };

    public static PageHeader FullPageHeader() => new()
    {
        Type = PageType.DataPageV2,
        UncompressedPageSize = 65536,
        CompressedPageSize = 1234,
        Crc = -559038737,
        DataPageHeader = FullDataPageHeader(),
        IndexPageHeader = new IndexPageHeader(),
        DictionaryPageHeader = FullDictionaryPageHeader(),
        DataPageHeaderV2 = FullDataPageHeaderV2(),
    };

    public static KeyValue FullKeyValue(string key = "loggia.schema") => new() { Key = key, Value = "{\"v\":1}" };

    public static SortingColumn FullSortingColumn() => new() { ColumnIdx = 3, Descending = true, NullsFirst = false };

    public static PageEncodingStats FullPageEncodingStats() => new()
    {
        PageType = PageType.DictionaryPage,
        Encoding = Encoding.Plain,
        Count = 1,
    };

    public static ColumnMetaData FullColumnMetaData() => new()
    {
        Type = PhysicalType.ByteArray,
        Encodings = [Encoding.Plain, Encoding.Rle, Encoding.RleDictionary],
        PathInSchema = ["attributes", "key_value", "value"],
        Codec = CompressionCodec.Zstd,
        NumValues = 1_000_000,
        TotalUncompressedSize = 9_000_000_000,
        TotalCompressedSize = 1_500_000_000,
        KeyValueMetadata = [FullKeyValue("a"), new KeyValue { Key = "b" }],
        DataPageOffset = 4,
        IndexPageOffset = 5,
        DictionaryPageOffset = 6,
        Statistics = FullStatistics(3),
        EncodingStats = [FullPageEncodingStats(), new PageEncodingStats { PageType = PageType.DataPage, Encoding = Encoding.RleDictionary, Count = 20 }],
        BloomFilterOffset = 7,
        BloomFilterLength = 8,
    };

    public static ColumnChunk FullColumnChunk() => new()
    {
        FilePath = "other.parquet",
        FileOffset = 11,
        MetaData = FullColumnMetaData(),
        OffsetIndexOffset = 12,
        OffsetIndexLength = 13,
        ColumnIndexOffset = 14,
        ColumnIndexLength = 15,
    };

    public static RowGroup FullRowGroup() => new()
    {
        Columns = [FullColumnChunk(), new ColumnChunk { FileOffset = 99 }],
        TotalByteSize = 21,
        NumRows = 22,
        SortingColumns = [FullSortingColumn()],
        FileOffset = 23,
        TotalCompressedSize = 24,
        Ordinal = 25,
    };

    public static FileMetaData FullFileMetaData() => new()
    {
        Version = 2,
        Schema =
        [
            new SchemaElement { Name = "schema", NumChildren = 6 },
            new SchemaElement { Name = "timestamp", Type = PhysicalType.Int64, RepetitionType = FieldRepetitionType.Required, LogicalType = LogicalType.TimestampNanos(utc: true) },
            new SchemaElement { Name = "message", Type = PhysicalType.ByteArray, RepetitionType = FieldRepetitionType.Optional, ConvertedType = ConvertedType.Utf8, LogicalType = LogicalType.String() },
            new SchemaElement { Name = "level", Type = PhysicalType.Int32, RepetitionType = FieldRepetitionType.Required, LogicalType = LogicalType.Integer(8, signed: false) },
            new SchemaElement { Name = "price", Type = PhysicalType.Int64, RepetitionType = FieldRepetitionType.Optional, LogicalType = LogicalType.Decimal(18, 4) },
            new SchemaElement { Name = "time", Type = PhysicalType.Int32, RepetitionType = FieldRepetitionType.Optional, LogicalType = LogicalType.Time(TimeUnit.Millis, utc: false) },
            FullSchemaElement(),
        ],
        NumRows = 31,
        RowGroups = [FullRowGroup(), new RowGroup { NumRows = 0 }],
        KeyValueMetadata = [FullKeyValue()],
        CreatedBy = "loggia version 0.1.0",
        ColumnOrders = [ColumnOrder.TypeDefinedOrder(), ColumnOrder.TypeDefinedOrder()],
    };

    public static PageLocation FullPageLocation() => new() { Offset = 41, CompressedPageSize = 42, FirstRowIndex = 43 };

    public static OffsetIndex FullOffsetIndex() => new()
    {
        PageLocations = [FullPageLocation(), new PageLocation { Offset = 1L << 40, CompressedPageSize = 1, FirstRowIndex = 1000 }],
        UnencodedByteArrayDataBytes = [100, 200],
    };

    public static ColumnIndex FullColumnIndex() => new()
    {
        NullPages = [false, true, false],
        MinValues = [[1], [], [2]],
        MaxValues = [[9], [], [8, 8]],
        BoundaryOrder = BoundaryOrder.Descending,
        NullCounts = [0, 10, 1],
        RepetitionLevelHistograms = [1, 2, 3],
        DefinitionLevelHistograms = [4, 5, 6, 7],
    };
}
