using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

public class ThriftCompactReaderTests
{
    [Fact]
    public void Read_ValuesWrittenByWriter_RoundTripIncludingExtremes()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteStructBegin();
            w.WriteBoolField(1, true);
            w.WriteBoolField(2, false);
            w.WriteI8Field(3, sbyte.MinValue);
            w.WriteI16Field(4, short.MinValue);
            w.WriteI32Field(5, int.MinValue);
            w.WriteI64Field(6, long.MinValue);
            w.WriteI64Field(7, long.MaxValue);
            w.WriteDoubleField(8, -0.5);
            w.WriteStringField(300, "héllo");
            w.WriteBinaryField(-5, [1, 2, 3]);
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        var r = new ThriftCompactReader(bytes);
        r.ReadStructBegin();
        Assert.Equal(new ThriftFieldHeader(ThriftType.Bool, 1), r.ReadFieldBegin());
        Assert.True(r.ReadBool());
        Assert.Equal(new ThriftFieldHeader(ThriftType.Bool, 2), r.ReadFieldBegin());
        Assert.False(r.ReadBool());
        Assert.Equal(new ThriftFieldHeader(ThriftType.I8, 3), r.ReadFieldBegin());
        Assert.Equal(sbyte.MinValue, r.ReadI8());
        Assert.Equal(new ThriftFieldHeader(ThriftType.I16, 4), r.ReadFieldBegin());
        Assert.Equal(short.MinValue, r.ReadI16());
        Assert.Equal(new ThriftFieldHeader(ThriftType.I32, 5), r.ReadFieldBegin());
        Assert.Equal(int.MinValue, r.ReadI32());
        Assert.Equal(new ThriftFieldHeader(ThriftType.I64, 6), r.ReadFieldBegin());
        Assert.Equal(long.MinValue, r.ReadI64());
        Assert.Equal(new ThriftFieldHeader(ThriftType.I64, 7), r.ReadFieldBegin());
        Assert.Equal(long.MaxValue, r.ReadI64());
        Assert.Equal(new ThriftFieldHeader(ThriftType.Double, 8), r.ReadFieldBegin());
        Assert.Equal(-0.5, r.ReadDouble());
        Assert.Equal(new ThriftFieldHeader(ThriftType.Binary, 300), r.ReadFieldBegin());
        Assert.Equal("héllo", r.ReadString());
        Assert.Equal(new ThriftFieldHeader(ThriftType.Binary, -5), r.ReadFieldBegin());
        Assert.Equal(new byte[] { 1, 2, 3 }, r.ReadBinarySpan().ToArray());
        Assert.True(r.ReadFieldBegin().IsStop);
        r.ReadStructEnd();
        Assert.Equal(bytes.Length, r.Position);
        Assert.Equal(0, r.Remaining);
    }

    [Fact]
    public void ReadListBegin_LongForm_ReturnsCountAndElements()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteListBegin(ThriftType.I64, 20);
            for (var i = 0; i < 20; i++)
            {
                w.WriteI64(-i);
            }
        });

        var r = new ThriftCompactReader(bytes);
        var header = r.ReadListBegin();
        Assert.Equal(new ThriftCollectionHeader(ThriftType.I64, 20), header);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(-i, r.ReadI64());
        }
    }

    [Theory]
    [InlineData(0x01, true)]
    [InlineData(0x02, false)]
    [InlineData(0x00, false)]
    public void ReadBool_ListElementByte_AcceptsOneTwoAndLegacyZero(byte element, bool expected)
    {
        var r = new ThriftCompactReader(new byte[] { 0x11, element });

        Assert.Equal(1, r.ReadListBegin(ThriftType.Bool));
        Assert.Equal(expected, r.ReadBool());
    }

    [Fact]
    public void ReadListBegin_BoolListWithFalseTypeId_IsAcceptedAsBool()
    {
        var r = new ThriftCompactReader(new byte[] { 0x12, 0x01 });

        Assert.Equal(1, r.ReadListBegin(ThriftType.Bool));
    }

    [Fact]
    public void Skip_UnknownFieldsOfEveryType_LandsOnTheNextKnownField()
    {
        var bytes = CompactBytes.Write((ref ThriftCompactWriter w) =>
        {
            w.WriteStructBegin();
            ThriftTestData.WriteExtraFieldsOfEveryType(ref w, firstId: 1);
            w.WriteI32Field(999, 42);
            w.WriteFieldStop();
            w.WriteStructEnd();
        });

        var r = new ThriftCompactReader(bytes);
        r.ReadStructBegin();
        while (true)
        {
            var field = r.ReadFieldBegin();
            Assert.False(field.IsStop);
            if (field.Id == 999)
            {
                Assert.Equal(42, r.ReadI32());
                break;
            }

            r.Skip(field.Type);
        }

        Assert.True(r.ReadFieldBegin().IsStop);
        r.ReadStructEnd();
        Assert.Equal(bytes.Length, r.Position);
    }

    [Fact]
    public void SkipAndCapture_Struct_ReturnsItsExactBytes()
    {
        byte[] bytes = [0x15, 0x02, 0x00, 0x99];
        var r = new ThriftCompactReader(bytes);

        var captured = r.SkipAndCapture(ThriftType.Struct).ToArray();

        Assert.Equal(new byte[] { 0x15, 0x02, 0x00 }, captured);
        Assert.Equal(3, r.Position);
    }
}
