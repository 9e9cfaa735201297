namespace Loggia.Parquet.Thrift;

/// <summary>A type that serializes itself as a Thrift compact struct.</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IThriftStruct<TSelf>
    where TSelf : IThriftStruct<TSelf>
{
    /// <summary>Writes this value as a complete struct (fields and stop marker).</summary>
    void Write(ref ThriftCompactWriter writer);

    /// <summary>Reads a complete struct, skipping fields it does not model.</summary>
    static abstract TSelf Read(ref ThriftCompactReader reader);
}
