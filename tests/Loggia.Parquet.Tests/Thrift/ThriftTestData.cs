using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Tests.Thrift;

internal static class ThriftTestData
{
    /// <summary>
    /// Writes one field of every compact type with ids starting at <paramref name="firstId"/> (plus one long-form id),
    /// as a newer or foreign writer might add to a struct we model.
    /// </summary>
    public static void WriteExtraFieldsOfEveryType(ref ThriftCompactWriter w, short firstId)
    {
        var id = firstId;
        w.WriteBoolField(id++, true);
        w.WriteBoolField(id++, false);
        w.WriteI8Field(id++, -7);
        w.WriteI16Field(id++, -300);
        w.WriteI32Field(id++, int.MaxValue);
        w.WriteI64Field(id++, long.MinValue);
        w.WriteDoubleField(id++, double.NaN);
        w.WriteBinaryField(id++, new byte[40]);

        w.WriteFieldBegin(ThriftType.List, id++);
        w.WriteListBegin(ThriftType.I32, 16);
        for (var i = 0; i < 16; i++)
        {
            w.WriteI32(i * 1000);
        }

        w.WriteFieldBegin(ThriftType.Set, id++);
        w.WriteSetBegin(ThriftType.Binary, 2);
        w.WriteString("a");
        w.WriteString("b");

        w.WriteFieldBegin(ThriftType.Map, id++);
        w.WriteMapBegin(ThriftType.Binary, ThriftType.List, 2);
        w.WriteString("k1");
        w.WriteListBegin(ThriftType.I64, 1);
        w.WriteI64(5);
        w.WriteString("k2");
        w.WriteListBegin(ThriftType.I64, 0);

        w.WriteFieldBegin(ThriftType.Map, id++);
        w.WriteMapBegin(ThriftType.I32, ThriftType.Bool, 0);

        w.WriteFieldBegin(ThriftType.List, id++);
        w.WriteListBegin(ThriftType.Bool, 3);
        w.WriteBool(true);
        w.WriteBool(false);
        w.WriteBool(true);

        // A nested struct holding a list of structs that themselves contain bool fields and a map of doubles.
        w.WriteFieldBegin(ThriftType.Struct, id++);
        w.WriteStructBegin();
        w.WriteFieldBegin(ThriftType.List, 1);
        w.WriteListBegin(ThriftType.Struct, 2);
        for (var i = 0; i < 2; i++)
        {
            w.WriteStructBegin();
            w.WriteBoolField(1, i == 0);
            w.WriteFieldBegin(ThriftType.Map, 2);
            w.WriteMapBegin(ThriftType.I8, ThriftType.Double, 1);
            w.WriteI8(1);
            w.WriteDouble(2.5);
            w.WriteBoolField(3, i == 1);
            w.WriteFieldStop();
            w.WriteStructEnd();
        }

        w.WriteFieldStop();
        w.WriteStructEnd();

        w.WriteFieldBegin(ThriftType.Uuid, id++);
        w.WriteRaw(new byte[16]);

        w.WriteFieldBegin(ThriftType.List, 1000);
        w.WriteListBegin(ThriftType.Uuid, 1);
        w.WriteRaw(new byte[16]);
    }
}
