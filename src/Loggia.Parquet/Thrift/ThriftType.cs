namespace Loggia.Parquet.Thrift;

/// <summary>
/// Type ids of the Thrift compact protocol (these are the compact wire ids, not the binary-protocol TType ids).
/// </summary>
/// <remarks>
/// The wire uses two ids for booleans in field headers (1 = true, 2 = false, the value travels in the header);
/// both are surfaced as <see cref="Bool"/> so callers need not care.
/// </remarks>
public enum ThriftType
{
    /// <summary>End of a struct's fields.</summary>
    Stop = 0,

    /// <summary>Boolean (wire ids 1 and 2).</summary>
    Bool = 1,

    /// <summary>Signed 8-bit integer, one raw byte.</summary>
    I8 = 3,

    /// <summary>Signed 16-bit integer, zigzag varint.</summary>
    I16 = 4,

    /// <summary>Signed 32-bit integer, zigzag varint.</summary>
    I32 = 5,

    /// <summary>Signed 64-bit integer, zigzag varint.</summary>
    I64 = 6,

    /// <summary>IEEE 754 double, 8 bytes little-endian.</summary>
    Double = 7,

    /// <summary>Binary or string: varint length then bytes.</summary>
    Binary = 8,

    /// <summary>List header then elements.</summary>
    List = 9,

    /// <summary>Set, encoded like a list.</summary>
    Set = 10,

    /// <summary>Map: varint size, key/value type byte, then pairs.</summary>
    Map = 11,

    /// <summary>Nested struct: fields then a stop byte.</summary>
    Struct = 12,

    /// <summary>UUID, 16 raw bytes (newer Thrift versions).</summary>
    Uuid = 13,
}
