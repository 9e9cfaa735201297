namespace Loggia.Parquet.Thrift;

/// <summary>A decoded struct field header: the wire type and the absolute field id.</summary>
public readonly record struct ThriftFieldHeader(ThriftType Type, short Id)
{
    /// <summary>True when this header is the stop marker that ends a struct.</summary>
    public bool IsStop => Type == ThriftType.Stop;
}
