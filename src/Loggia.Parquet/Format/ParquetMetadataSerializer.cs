using System.Buffers;
using Loggia.Parquet.Thrift;

namespace Loggia.Parquet.Format;

/// <summary>
/// Entry points for encoding and decoding Parquet metadata structs with the Thrift compact protocol.
/// Decoding errors are <see cref="ParquetFormatException"/>s whose offset is relative to the start of the given span.
/// </summary>
public static class ParquetMetadataSerializer
{
    /// <summary>Appends the compact encoding of <paramref name="value"/> to <paramref name="output"/>.</summary>
    public static void Write<T>(T value, IBufferWriter<byte> output)
        where T : IThriftStruct<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        var writer = new ThriftCompactWriter(output);
        value.Write(ref writer);
    }

    /// <summary>Returns the compact encoding of <paramref name="value"/>.</summary>
    public static byte[] Serialize<T>(T value)
        where T : IThriftStruct<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes one struct from the start of <paramref name="data"/>; <paramref name="bytesRead"/> is its encoded length.</summary>
    public static T Read<T>(ReadOnlySpan<byte> data, out int bytesRead)
        where T : IThriftStruct<T>
    {
        var reader = new ThriftCompactReader(data);
        var value = T.Read(ref reader);
        bytesRead = reader.Position;
        return value;
    }

    /// <summary>Writes the footer metadata (without the length and magic that follow it in a file).</summary>
    public static void WriteFileMetaData(FileMetaData metadata, IBufferWriter<byte> output) => Write(metadata, output);

    /// <summary>Decodes the footer metadata. Bytes after the struct are ignored.</summary>
    public static FileMetaData ReadFileMetaData(ReadOnlySpan<byte> data) => Read<FileMetaData>(data, out _);

    /// <summary>Writes a page header; the page body follows it directly in the file.</summary>
    public static void WritePageHeader(PageHeader header, IBufferWriter<byte> output) => Write(header, output);

    /// <summary>
    /// Decodes the page header at the start of <paramref name="data"/>. <paramref name="headerLength"/> is its encoded
    /// length, i.e. the offset of the page body within <paramref name="data"/>.
    /// </summary>
    public static PageHeader ReadPageHeader(ReadOnlySpan<byte> data, out int headerLength) =>
        Read<PageHeader>(data, out headerLength);

    /// <summary>Writes a column index.</summary>
    public static void WriteColumnIndex(ColumnIndex index, IBufferWriter<byte> output) => Write(index, output);

    /// <summary>Decodes a column index.</summary>
    public static ColumnIndex ReadColumnIndex(ReadOnlySpan<byte> data) => Read<ColumnIndex>(data, out _);

    /// <summary>Writes an offset index.</summary>
    public static void WriteOffsetIndex(OffsetIndex index, IBufferWriter<byte> output) => Write(index, output);

    /// <summary>Decodes an offset index.</summary>
    public static OffsetIndex ReadOffsetIndex(ReadOnlySpan<byte> data) => Read<OffsetIndex>(data, out _);
}
