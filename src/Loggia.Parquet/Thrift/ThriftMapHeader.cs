namespace Loggia.Parquet.Thrift;

/// <summary>A decoded map header: key type, value type and number of pairs.</summary>
public readonly record struct ThriftMapHeader(ThriftType KeyType, ThriftType ValueType, int Count);
