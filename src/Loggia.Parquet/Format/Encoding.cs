namespace Loggia.Parquet.Format;

/// <summary>Encoding of values or levels in a page. Value 1 (GROUP_VAR_INT) was never used and is not listed.</summary>
public enum Encoding
{
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
}
