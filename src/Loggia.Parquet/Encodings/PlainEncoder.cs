using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Loggia.Parquet.Encodings;

/// <summary>Writes the PLAIN encoding: little-endian fixed-width values, LSB-first booleans, length-prefixed byte arrays.</summary>
public static class PlainEncoder
{
    /// <summary>Writes INT32 values.</summary>
    public static void WriteInt32(ReadOnlySpan<int> values, IBufferWriter<byte> output) => WriteFixed(values, output);

    /// <summary>Writes INT64 values.</summary>
    public static void WriteInt64(ReadOnlySpan<long> values, IBufferWriter<byte> output) => WriteFixed(values, output);

    /// <summary>Writes FLOAT values.</summary>
    public static void WriteFloat(ReadOnlySpan<float> values, IBufferWriter<byte> output) => WriteFixed(values, output);

    /// <summary>Writes DOUBLE values.</summary>
    public static void WriteDouble(ReadOnlySpan<double> values, IBufferWriter<byte> output) => WriteFixed(values, output);

    /// <summary>
    /// Writes fixed-width primitive values (int, long, float, double, ...) as little-endian bytes.
    /// </summary>
    public static void WriteFixed<T>(ReadOnlySpan<T> values, IBufferWriter<byte> output)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(output);
        var bytes = MemoryMarshal.AsBytes(values);
        var span = output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        if (!BitConverter.IsLittleEndian)
        {
            ReverseEach<T>(span[..bytes.Length]);
        }

        output.Advance(bytes.Length);
    }

    /// <summary>
    /// Writes booleans bit-packed LSB first, zero-padding the last byte. Each call starts on a byte boundary,
    /// so a page's booleans must be written in one call (or in chunks whose lengths are multiples of 8).
    /// </summary>
    public static void WriteBoolean(ReadOnlySpan<bool> values, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var byteCount = (values.Length + 7) >> 3;
        var span = output.GetSpan(byteCount);
        var bytes = MemoryMarshal.AsBytes(values);
        var full = values.Length >> 3;
        for (var i = 0; i < full; i++)
        {
            // Each bool is one byte holding 0 or 1; the multiply gathers the eight low bits into the top byte.
            var x = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i * 8, 8));
            span[i] = (byte)(unchecked(x * 0x0102040810204080UL) >> 56);
        }

        if (full < byteCount)
        {
            var b = 0;
            for (var i = full * 8; i < values.Length; i++)
            {
                b |= (values[i] ? 1 : 0) << (i & 7);
            }

            span[full] = (byte)b;
        }

        output.Advance(byteCount);
    }

    /// <summary>
    /// Writes BYTE_ARRAY values given Arrow-style: value i is <c>data[offsets[i]..offsets[i + 1]]</c>
    /// (offsets.Length = count + 1, non-decreasing). Each value is a 4-byte little-endian length and its bytes.
    /// </summary>
    public static void WriteByteArrays(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (offsets.Length <= 1)
        {
            return;
        }

        ValidateOffsets(data, offsets);
        var count = offsets.Length - 1;

        // Values are written in chunks so a huge page never needs one enormous buffer request.
        const int ChunkBytes = 1 << 20;
        var i = 0;
        while (i < count)
        {
            var chunkStart = i;
            long size = 0;
            while (i < count && (size == 0 || size + 4 + offsets[i + 1] - offsets[i] <= ChunkBytes))
            {
                size += 4 + offsets[i + 1] - offsets[i];
                i++;
            }

            var span = output.GetSpan((int)size);
            var o = 0;
            for (var k = chunkStart; k < i; k++)
            {
                var value = data[offsets[k]..offsets[k + 1]];
                BinaryPrimitives.WriteInt32LittleEndian(span[o..], value.Length);
                value.CopyTo(span[(o + 4)..]);
                o += 4 + value.Length;
            }

            output.Advance(o);
        }
    }

    internal static void ValidateOffsets(ReadOnlySpan<byte> data, ReadOnlySpan<int> offsets)
    {
        if (offsets[0] < 0 || offsets[^1] > data.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offsets), "offsets fall outside the data");
        }

        for (var i = 1; i < offsets.Length; i++)
        {
            if (offsets[i] < offsets[i - 1])
            {
                throw new ArgumentException($"offsets decrease at index {i}", nameof(offsets));
            }
        }
    }

    private static void ReverseEach<T>(Span<byte> bytes)
        where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        for (var i = 0; i < bytes.Length; i += size)
        {
            bytes.Slice(i, size).Reverse();
        }
    }
}
