namespace Loggia.Parquet.Format;

/// <summary>
/// Unit of a TIME or TIMESTAMP logical type. On the wire this is a Thrift union of empty structs; the values
/// here are the union's field ids.
/// </summary>
public enum TimeUnit
{
    Millis = 1,
    Micros = 2,
    Nanos = 3,
}
