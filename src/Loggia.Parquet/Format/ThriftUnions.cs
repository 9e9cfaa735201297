using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>Helpers for the Thrift unions of empty structs that parquet.thrift uses as tagged enums.</summary>
internal static class ThriftUnions
{
    /// <summary>Writes a union member whose value is an empty struct (for example <c>STRING: StringType</c>).</summary>
    public static void WriteEmptyMember(ref ThriftCompactWriter writer, short fieldId)
    {
        writer.WriteFieldBegin(ThriftType.Struct, fieldId);
        writer.WriteStructBegin();
        writer.WriteFieldStop();
        writer.WriteStructEnd();
    }

}
