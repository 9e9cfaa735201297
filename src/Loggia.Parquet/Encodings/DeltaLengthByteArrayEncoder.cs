using System.Buffers;

namespace Loggia.Parquet.Encodings;

/// <summary>Writes DELTA_LENGTH_BYTE_ARRAY: the value lengths as DELTA_BINARY_PACKED INT32, then all value bytes concatenated.</summary>
public static class DeltaLengthByteArrayEncoder
{
    /// <summary>
    /// Encodes values given Arrow-style: value i is <c>data[offsets[i]..offsets[i + 1]]</c> (offsets.Length = count + 1,
    /// non-decreasing). An empty <paramref name="offsets"/> means no values.
    /// </summary>
    public static void Encode(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (offsets.IsEmpty)
        {
            offsets = [0];
        }

        PlainEncoder.ValidateOffsets(data, offsets);
        DeltaBinaryPackedEncoder.EncodeLengths(offsets, output);
        var bytes = data[offsets[0]..offsets[^1]];
        const int ChunkBytes = 1 << 20;
        while (!bytes.IsEmpty)
        {
            var chunk = bytes[..Math.Min(bytes.Length, ChunkBytes)];
            chunk.CopyTo(output.GetSpan(chunk.Length));
            output.Advance(chunk.Length);
            bytes = bytes[chunk.Length..];
        }
    }
}
