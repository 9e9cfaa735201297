using Loggia.Parquet.Format;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

public class ThriftCompactWriterTests
{
    [Fact]
    public void WriteI32Field_Id1Value1_IsShortFormHeaderAndZigzagVarint()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteI32Field(1, 1));

        Assert.Equal(new byte[] { 0x15, 0x02 }, bytes);
    }

    [Fact]
    public void WriteBoolField_ValueInHeaderTypeNibble()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteBoolField(1, true);
            w.WriteBoolField(2, false);
        });

        Assert.Equal(new byte[] { 0x11, 0x12 }, bytes);
    }

    [Fact]
    public void WriteFieldBegin_DeltaAbove15_UsesLongFormWithZigzagId()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteI32Field(1, 0);
            w.WriteI32Field(20, 0);
        });

        // 20 - 1 = 19 does not fit the 4-bit delta: type byte 0x05, then zigzag(20) = 40.
        Assert.Equal(new byte[] { 0x15, 0x00, 0x05, 0x28, 0x00 }, bytes);
    }

    [Fact]
    public void WriteFieldBegin_DecreasingId_UsesLongForm()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteI64Field(5, 1);
            w.WriteI64Field(3, 1);
        });

        Assert.Equal(new byte[] { 0x56, 0x02, 0x06, 0x06, 0x02 }, bytes);
    }

    [Fact]
    public void WriteStructEnd_RestoresOuterLastFieldId()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteStructBegin();
            w.WriteFieldBegin(ThriftType.Struct, 1);
            w.WriteStructBegin();
            w.WriteI32Field(1, 5);
            w.WriteFieldStop();
            w.WriteStructEnd();
            w.WriteI32Field(2, 7);
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        // Inner field 1 is delta 1 from 0; outer field 2 is delta 1 from the outer field 1.
        Assert.Equal(new byte[] { 0x1C, 0x15, 0x0A, 0x00, 0x15, 0x0E, 0x00 }, bytes);
    }

    [Fact]
    public void WriteListBegin_20Elements_UsesLongSizeForm()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteFieldBegin(ThriftType.List, 1);
            w.WriteListBegin(ThriftType.I64, 20);
            for (var i = 0; i < 20; i++)
            {
                w.WriteI64(i);
            }
        });

        var expected = new List<byte> { 0x19, 0xF6, 0x14 };
        for (var i = 0; i < 20; i++)
        {
            expected.Add((byte)(i * 2));
        }

        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void WriteListBegin_14Elements_UsesShortSizeForm()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteListBegin(ThriftType.I32, 14));

        Assert.Equal(new byte[] { 0xE5 }, bytes);
    }

    [Fact]
    public void WriteListBegin_15Elements_UsesLongSizeForm()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteListBegin(ThriftType.Struct, 15));

        Assert.Equal(new byte[] { 0xFC, 0x0F }, bytes);
    }

    [Fact]
    public void WriteBool_InsideList_IsOneByteOneOrTwo()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteListBegin(ThriftType.Bool, 2);
            w.WriteBool(true);
            w.WriteBool(false);
        });

        Assert.Equal(new byte[] { 0x21, 0x01, 0x02 }, bytes);
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void WriteI32_ZigzagVarint_MatchesHandComputedBytes(int value, byte[] expected)
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteI32(value));

        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData(long.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(long.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(-2L, new byte[] { 0x03 })]
    [InlineData(-300L, new byte[] { 0xD7, 0x04 })]
    public void WriteI64_ZigzagVarint_MatchesHandComputedBytes(long value, byte[] expected)
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteI64(value));

        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void WriteDouble_IsEightBytesLittleEndian()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteDouble(1.0));

        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0xF0, 0x3F }, bytes);
    }

    [Fact]
    public void WriteString_IsVarintLengthThenUtf8()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) => w.WriteString("aé"));

        Assert.Equal(new byte[] { 0x03, 0x61, 0xC3, 0xA9 }, bytes);
    }

    [Fact]
    public void WriteMapBegin_EmptyMapIsOneZeroByte_NonEmptyHasTypeByte()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteMapBegin(ThriftType.Binary, ThriftType.I32, 0);
            w.WriteMapBegin(ThriftType.Binary, ThriftType.I32, 2);
        });

        Assert.Equal(new byte[] { 0x00, 0x02, 0x85 }, bytes);
    }

    [Fact]
    public void WritePageHeader_MatchesHandComputedBytes()
    {
        var header = new PageHeader
        {
            Type = PageType.DataPage,
            UncompressedPageSize = 100,
            CompressedPageSize = 50,
            DataPageHeader = new DataPageHeader
            {
                NumValues = 10,
                Encoding = Encoding.Plain,
                DefinitionLevelEncoding = Encoding.Rle,
                RepetitionLevelEncoding = Encoding.Rle,
            },
        };

        var bytes = ParquetMetadataSerializer.Serialize(header);

        byte[] expected =
        [
            0x15, 0x00,       // 1: type = DATA_PAGE
            0x15, 0xC8, 0x01, // 2: uncompressed_page_size = 100
            0x15, 0x64,       // 3: compressed_page_size = 50
            0x2C,             // 5: data_page_header (delta 2, struct)
            0x15, 0x14,       //   1: num_values = 10
            0x15, 0x00,       //   2: encoding = PLAIN
            0x15, 0x06,       //   3: definition_level_encoding = RLE
            0x15, 0x06,       //   4: repetition_level_encoding = RLE
            0x00,             //   stop
            0x00,             // stop
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void WriteSchemaElement_TimestampLogicalType_MatchesHandComputedBytes()
    {
        var element = new SchemaElement
        {
            Name = "ts",
            Type = PhysicalType.Int64,
            LogicalType = LogicalType.TimestampMicros(utc: true),
        };

        var bytes = ParquetMetadataSerializer.Serialize(element);

        byte[] expected =
        [
            0x15, 0x04,             // 1: type = INT64
            0x38, 0x02, 0x74, 0x73, // 4: name = "ts" (delta 3, binary)
            0x6C,                   // 10: logicalType (delta 6, struct)
            0x8C,                   //   8: TIMESTAMP (delta 8, struct)
            0x11,                   //     1: isAdjustedToUTC = true
            0x1C,                   //     2: unit (struct)
            0x2C, 0x00,             //       2: MICROS = {}
            0x00,                   //     stop (unit)
            0x00,                   //   stop (TimestampType)
            0x00,                   // stop (LogicalType)
            0x00,                   // stop (SchemaElement)
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void WriteStructBegin_BeyondMaxDepth_ThrowsInvalidOperation()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new ThriftCompactWriter(buffer);
        for (var i = 0; i < ThriftLimits.MaxDepth; i++)
        {
            writer.WriteStructBegin();
        }

        var threw = false;
        try
        {
            writer.WriteStructBegin();
        }
        catch (InvalidOperationException)
        {
            threw = true;
        }

        Assert.True(threw);
    }
}
