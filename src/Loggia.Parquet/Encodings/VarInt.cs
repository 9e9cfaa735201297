using System.Runtime.CompilerServices;

namespace Loggia.Parquet.Encodings;

/// <summary>ULEB128 and zig-zag helpers shared by the encodings.</summary>
internal static class VarInt
{
    /// <summary>Longest ULEB128 encoding of a 64-bit value.</summary>
    public const int MaxLength64 = 10;

    /// <summary>Longest ULEB128 encoding of a 32-bit value.</summary>
    public const int MaxLength32 = 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZagEncode(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ZigZagDecode(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    /// <summary>Writes <paramref name="value"/> as ULEB128 at the start of <paramref name="destination"/>; returns the byte count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value) => Loggia.Core.IO.Leb128.Write(destination, value);

    /// <summary>Reads a ULEB128 value of at most 32 bits at <paramref name="position"/>, advancing it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32(ReadOnlySpan<byte> data, ref int position)
    {
        var pos = position;
        if ((uint)pos < (uint)data.Length)
        {
            uint b = data[pos];
            if (b < 0x80)
            {
                position = pos + 1;
                return b;
            }
        }

        return ReadUInt32Slow(data, ref position);
    }

    private static uint ReadUInt32Slow(ReadOnlySpan<byte> data, ref int position)
    {
        var pos = position;
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if ((uint)pos >= (uint)data.Length)
            {
                throw new ParquetFormatException("truncated ULEB128 varint", pos);
            }

            uint b = data[pos++];
            if (shift == 28 && b > 0x0F)
            {
                throw new ParquetFormatException("ULEB128 varint does not fit in 32 bits", pos - 1);
            }

            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = pos;
                return result;
            }
        }

        throw new ParquetFormatException("ULEB128 varint does not fit in 32 bits", pos);
    }

    /// <summary>Reads a ULEB128 value of at most 64 bits at <paramref name="position"/>, advancing it.</summary>
    public static ulong ReadUInt64(ReadOnlySpan<byte> data, ref int position)
    {
        var pos = position;
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if ((uint)pos >= (uint)data.Length)
            {
                throw new ParquetFormatException("truncated ULEB128 varint", pos);
            }

            ulong b = data[pos++];
            if (shift == 63 && b > 0x01)
            {
                throw new ParquetFormatException("ULEB128 varint does not fit in 64 bits", pos - 1);
            }

            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = pos;
                return result;
            }
        }

        throw new ParquetFormatException("ULEB128 varint does not fit in 64 bits", pos);
    }
}
