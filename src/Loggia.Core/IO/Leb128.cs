using System.Numerics;
using System.Runtime.CompilerServices;

namespace Loggia.Core.IO;

/// <summary>What <see cref="Leb128.TryRead"/> found.</summary>
public enum Leb128Status
{
    /// <summary>A whole value was read.</summary>
    Done,

    /// <summary>The input ended inside the value.</summary>
    Truncated,

    /// <summary>The value does not fit in 64 bits (more than ten bytes, or a tenth byte above 1).</summary>
    Overflow,
}

/// <summary>
/// Unsigned LEB128 (seven bits a byte, low group first, the high bit set on every byte but the last): the varint of
/// protobuf, of Parquet's encodings and of Loggia's own formats (sidecars, term segments, WAL records, metadata).
/// Callers turn a bad status into their own format's error.
/// </summary>
public static class Leb128
{
    /// <summary>The longest encoding of a 64-bit value.</summary>
    public const int MaxBytes = 10;

    /// <summary>Bytes <paramref name="value"/> takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length(ulong value) => Math.Max(1, (64 - BitOperations.LeadingZeroCount(value) + 6) / 7);

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a value at <paramref name="position"/>, which advances past it only when the status is <see cref="Leb128Status.Done"/>.</summary>
    public static Leb128Status TryRead(ReadOnlySpan<byte> source, ref int position, out ulong value)
    {
        value = 0;
        var pos = position;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if ((uint)pos >= (uint)source.Length)
            {
                return Leb128Status.Truncated;
            }

            var b = source[pos++];
            if (shift == 63 && b > 1)
            {
                return Leb128Status.Overflow;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = pos;
                return Leb128Status.Done;
            }
        }

        return Leb128Status.Overflow;
    }
}
