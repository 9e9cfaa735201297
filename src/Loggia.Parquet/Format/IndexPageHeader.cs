using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Header of an index page. The format defines no fields yet; any present are skipped.</summary>
public sealed class IndexPageHeader : IThriftStruct<IndexPageHeader>
{
    /// <summary>Writes this (empty) struct.</summary>
    public void Write(ref ThriftCompactWriter writer)
    {
        writer.WriteStructBegin();
        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

    /// <summary>Reads this struct, skipping whatever fields a newer writer may have put in it.</summary>
    public static IndexPageHeader Read(ref ThriftCompactReader reader)
    {
        reader.Skip(ThriftType.Struct);
        return new IndexPageHeader();
    }
}
