using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Reads and writes the list-typed fields shared by the metadata structs.</summary>
internal static class ThriftLists
{
    public static List<T> ReadStructs<T>(ref ThriftCompactReader reader)
        where T : IThriftStruct<T>
    {
        var count = reader.ReadListBegin(ThriftType.Struct);
        var list = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(T.Read(ref reader));
        }

        return list;
    }

    public static List<long> ReadI64s(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListBegin(ThriftType.I64);
        var list = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadI64());
        }

        return list;
    }

    public static List<bool> ReadBools(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListBegin(ThriftType.Bool);
        var list = new List<bool>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadBool());
        }

        return list;
    }

    public static List<byte[]> ReadBinaries(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListBegin(ThriftType.Binary);
        var list = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadBinary());
        }

        return list;
    }

    public static List<string> ReadStrings(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListBegin(ThriftType.Binary);
        var list = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add(reader.ReadString());
        }

        return list;
    }

    public static List<Encoding> ReadEncodings(ref ThriftCompactReader reader)
    {
        var count = reader.ReadListBegin(ThriftType.I32);
        var list = new List<Encoding>(count);
        for (var i = 0; i < count; i++)
        {
            list.Add((Encoding)reader.ReadI32());
        }

        return list;
    }

    public static void WriteStructs<T>(ref ThriftCompactWriter writer, short fieldId, List<T> list)
        where T : IThriftStruct<T>
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.Struct, list.Count);
        foreach (var item in list)
        {
            item.Write(ref writer);
        }
    }

    public static void WriteI64s(ref ThriftCompactWriter writer, short fieldId, List<long> list)
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.I64, list.Count);
        foreach (var item in list)
        {
            writer.WriteI64(item);
        }
    }

    public static void WriteBools(ref ThriftCompactWriter writer, short fieldId, List<bool> list)
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.Bool, list.Count);
        foreach (var item in list)
        {
            writer.WriteBool(item);
        }
    }

    public static void WriteBinaries(ref ThriftCompactWriter writer, short fieldId, List<byte[]> list)
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.Binary, list.Count);
        foreach (var item in list)
        {
            writer.WriteBinary(item);
        }
    }

    public static void WriteStrings(ref ThriftCompactWriter writer, short fieldId, List<string> list)
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.Binary, list.Count);
        foreach (var item in list)
        {
            writer.WriteString(item);
        }
    }

    public static void WriteEncodings(ref ThriftCompactWriter writer, short fieldId, List<Encoding> list)
    {
        writer.WriteFieldBegin(ThriftType.List, fieldId);
        writer.WriteListBegin(ThriftType.I32, list.Count);
        foreach (var item in list)
        {
            writer.WriteI32((int)item);
        }
    }
}
