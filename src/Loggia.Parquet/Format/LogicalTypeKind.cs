namespace Loggia.Parquet.Format;

/// <summary>
/// Which member of the <see cref="LogicalType"/> union is set. Values are the Thrift field ids of the union members.
/// </summary>
public enum LogicalTypeKind
{
    /// <summary>A union member this library does not model (for example one added by a newer format version).</summary>
    Unrecognized = 0,
    String = 1,
    Map = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    Time = 7,
    Timestamp = 8,
    Integer = 10,

    /// <summary>Parquet's UNKNOWN logical type: a column that is always null (NullType). Not to be confused with <see cref="Unrecognized"/>.</summary>
    Unknown = 11,
    Json = 12,
    Bson = 13,
    Uuid = 14,
    Float16 = 15,
}
