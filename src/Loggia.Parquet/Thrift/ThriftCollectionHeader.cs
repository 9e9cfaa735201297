namespace Loggia.Parquet.Thrift;

/// <summary>A decoded list or set header: element type and element count.</summary>
public readonly record struct ThriftCollectionHeader(ThriftType ElementType, int Count);
