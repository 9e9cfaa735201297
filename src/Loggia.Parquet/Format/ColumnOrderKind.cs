namespace Loggia.Parquet.Format;

/// <summary>Which member of the <see cref="ColumnOrder"/> union is set (values are the Thrift field ids).</summary>
public enum ColumnOrderKind
{
    /// <summary>A union member this library does not model.</summary>
    Unrecognized = 0,

    /// <summary>Min/max statistics use the type-defined sort order.</summary>
    TypeDefinedOrder = 1,
}
