using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// LSB-first bit packing as used by the RLE/bit-packed hybrid and DELTA_BINARY_PACKED encodings:
/// value 0 occupies the lowest bits of byte 0, and a group of 8 values of width w occupies exactly w bytes.
/// The unpack kernels are specialised per bit width (the width is a JIT-time constant through a
/// generic struct parameter), so every shift and mask is a constant and the 8 values of a group are unrolled.
/// </summary>
internal static class BitPacking
{
    /// <summary>
    /// Bytes the unpack kernels may read past the end of the packed groups. Callers either guarantee that
    /// many readable bytes after the last group or copy the tail into a zero-padded scratch buffer.
    /// </summary>
    public const int ReadSlack = 8;

    /// <summary>Unpacks <paramref name="groups"/> groups of 8 values of width <paramref name="bitWidth"/> (0..32).</summary>
    public static void UnpackGroups32(ref byte source, ref int destination, int groups, int bitWidth)
    {
        switch (bitWidth)
        {
            case 0: UnpackGroups32<W0>(ref source, ref destination, groups); break;
            case 1: UnpackGroups32<W1>(ref source, ref destination, groups); break;
            case 2: UnpackGroups32<W2>(ref source, ref destination, groups); break;
            case 3: UnpackGroups32<W3>(ref source, ref destination, groups); break;
            case 4: UnpackGroups32<W4>(ref source, ref destination, groups); break;
            case 5: UnpackGroups32<W5>(ref source, ref destination, groups); break;
            case 6: UnpackGroups32<W6>(ref source, ref destination, groups); break;
            case 7: UnpackGroups32<W7>(ref source, ref destination, groups); break;
            case 8: UnpackGroups32<W8>(ref source, ref destination, groups); break;
            case 9: UnpackGroups32<W9>(ref source, ref destination, groups); break;
            case 10: UnpackGroups32<W10>(ref source, ref destination, groups); break;
            case 11: UnpackGroups32<W11>(ref source, ref destination, groups); break;
            case 12: UnpackGroups32<W12>(ref source, ref destination, groups); break;
            case 13: UnpackGroups32<W13>(ref source, ref destination, groups); break;
            case 14: UnpackGroups32<W14>(ref source, ref destination, groups); break;
            case 15: UnpackGroups32<W15>(ref source, ref destination, groups); break;
            case 16: UnpackGroups32<W16>(ref source, ref destination, groups); break;
            case 17: UnpackGroups32<W17>(ref source, ref destination, groups); break;
            case 18: UnpackGroups32<W18>(ref source, ref destination, groups); break;
            case 19: UnpackGroups32<W19>(ref source, ref destination, groups); break;
            case 20: UnpackGroups32<W20>(ref source, ref destination, groups); break;
            case 21: UnpackGroups32<W21>(ref source, ref destination, groups); break;
            case 22: UnpackGroups32<W22>(ref source, ref destination, groups); break;
            case 23: UnpackGroups32<W23>(ref source, ref destination, groups); break;
            case 24: UnpackGroups32<W24>(ref source, ref destination, groups); break;
            case 25: UnpackGroups32<W25>(ref source, ref destination, groups); break;
            case 26: UnpackGroups32<W26>(ref source, ref destination, groups); break;
            case 27: UnpackGroups32<W27>(ref source, ref destination, groups); break;
            case 28: UnpackGroups32<W28>(ref source, ref destination, groups); break;
            case 29: UnpackGroups32<W29>(ref source, ref destination, groups); break;
            case 30: UnpackGroups32<W30>(ref source, ref destination, groups); break;
            case 31: UnpackGroups32<W31>(ref source, ref destination, groups); break;
            case 32: UnpackGroups32<W32>(ref source, ref destination, groups); break;
            default: throw new ArgumentOutOfRangeException(nameof(bitWidth));
        }
    }

    /// <summary>Unpacks <paramref name="groups"/> groups of 8 values of width <paramref name="bitWidth"/> (0..64).</summary>
    public static void UnpackGroups64(ref byte source, ref ulong destination, int groups, int bitWidth)
    {
        switch (bitWidth)
        {
            case 0: UnpackGroups64<W0>(ref source, ref destination, groups); break;
            case 1: UnpackGroups64<W1>(ref source, ref destination, groups); break;
            case 2: UnpackGroups64<W2>(ref source, ref destination, groups); break;
            case 3: UnpackGroups64<W3>(ref source, ref destination, groups); break;
            case 4: UnpackGroups64<W4>(ref source, ref destination, groups); break;
            case 5: UnpackGroups64<W5>(ref source, ref destination, groups); break;
            case 6: UnpackGroups64<W6>(ref source, ref destination, groups); break;
            case 7: UnpackGroups64<W7>(ref source, ref destination, groups); break;
            case 8: UnpackGroups64<W8>(ref source, ref destination, groups); break;
            case 9: UnpackGroups64<W9>(ref source, ref destination, groups); break;
            case 10: UnpackGroups64<W10>(ref source, ref destination, groups); break;
            case 11: UnpackGroups64<W11>(ref source, ref destination, groups); break;
            case 12: UnpackGroups64<W12>(ref source, ref destination, groups); break;
            case 13: UnpackGroups64<W13>(ref source, ref destination, groups); break;
            case 14: UnpackGroups64<W14>(ref source, ref destination, groups); break;
            case 15: UnpackGroups64<W15>(ref source, ref destination, groups); break;
            case 16: UnpackGroups64<W16>(ref source, ref destination, groups); break;
            case 17: UnpackGroups64<W17>(ref source, ref destination, groups); break;
            case 18: UnpackGroups64<W18>(ref source, ref destination, groups); break;
            case 19: UnpackGroups64<W19>(ref source, ref destination, groups); break;
            case 20: UnpackGroups64<W20>(ref source, ref destination, groups); break;
            case 21: UnpackGroups64<W21>(ref source, ref destination, groups); break;
            case 22: UnpackGroups64<W22>(ref source, ref destination, groups); break;
            case 23: UnpackGroups64<W23>(ref source, ref destination, groups); break;
            case 24: UnpackGroups64<W24>(ref source, ref destination, groups); break;
            case 25: UnpackGroups64<W25>(ref source, ref destination, groups); break;
            case 26: UnpackGroups64<W26>(ref source, ref destination, groups); break;
            case 27: UnpackGroups64<W27>(ref source, ref destination, groups); break;
            case 28: UnpackGroups64<W28>(ref source, ref destination, groups); break;
            case 29: UnpackGroups64<W29>(ref source, ref destination, groups); break;
            case 30: UnpackGroups64<W30>(ref source, ref destination, groups); break;
            case 31: UnpackGroups64<W31>(ref source, ref destination, groups); break;
            case 32: UnpackGroups64<W32>(ref source, ref destination, groups); break;
            case 33: UnpackGroups64<W33>(ref source, ref destination, groups); break;
            case 34: UnpackGroups64<W34>(ref source, ref destination, groups); break;
            case 35: UnpackGroups64<W35>(ref source, ref destination, groups); break;
            case 36: UnpackGroups64<W36>(ref source, ref destination, groups); break;
            case 37: UnpackGroups64<W37>(ref source, ref destination, groups); break;
            case 38: UnpackGroups64<W38>(ref source, ref destination, groups); break;
            case 39: UnpackGroups64<W39>(ref source, ref destination, groups); break;
            case 40: UnpackGroups64<W40>(ref source, ref destination, groups); break;
            case 41: UnpackGroups64<W41>(ref source, ref destination, groups); break;
            case 42: UnpackGroups64<W42>(ref source, ref destination, groups); break;
            case 43: UnpackGroups64<W43>(ref source, ref destination, groups); break;
            case 44: UnpackGroups64<W44>(ref source, ref destination, groups); break;
            case 45: UnpackGroups64<W45>(ref source, ref destination, groups); break;
            case 46: UnpackGroups64<W46>(ref source, ref destination, groups); break;
            case 47: UnpackGroups64<W47>(ref source, ref destination, groups); break;
            case 48: UnpackGroups64<W48>(ref source, ref destination, groups); break;
            case 49: UnpackGroups64<W49>(ref source, ref destination, groups); break;
            case 50: UnpackGroups64<W50>(ref source, ref destination, groups); break;
            case 51: UnpackGroups64<W51>(ref source, ref destination, groups); break;
            case 52: UnpackGroups64<W52>(ref source, ref destination, groups); break;
            case 53: UnpackGroups64<W53>(ref source, ref destination, groups); break;
            case 54: UnpackGroups64<W54>(ref source, ref destination, groups); break;
            case 55: UnpackGroups64<W55>(ref source, ref destination, groups); break;
            case 56: UnpackGroups64<W56>(ref source, ref destination, groups); break;
            case 57: UnpackGroups64<W57>(ref source, ref destination, groups); break;
            case 58: UnpackGroups64<W58>(ref source, ref destination, groups); break;
            case 59: UnpackGroups64<W59>(ref source, ref destination, groups); break;
            case 60: UnpackGroups64<W60>(ref source, ref destination, groups); break;
            case 61: UnpackGroups64<W61>(ref source, ref destination, groups); break;
            case 62: UnpackGroups64<W62>(ref source, ref destination, groups); break;
            case 63: UnpackGroups64<W63>(ref source, ref destination, groups); break;
            case 64: UnpackGroups64<W64>(ref source, ref destination, groups); break;
            default: throw new ArgumentOutOfRangeException(nameof(bitWidth));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Load64(ref byte source, int byteOffset)
    {
        var v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, byteOffset));
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    private static void UnpackGroups32<TW>(ref byte source, ref int destination, int groups)
        where TW : IConstWidth
    {
        var w = TW.Value;
        if (w == 0)
        {
            Unsafe.InitBlockUnaligned(ref Unsafe.As<int, byte>(ref destination), 0, (uint)groups * 8 * sizeof(int));
            return;
        }

        for (var g = 0; g < groups; g++)
        {
            Unpack8x32<TW>(ref source, ref destination);
            source = ref Unsafe.Add(ref source, w);
            destination = ref Unsafe.Add(ref destination, 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpack8x32<TW>(ref byte s, ref int d)
        where TW : IConstWidth
    {
        var w = TW.Value;
        var mask = w == 32 ? ulong.MaxValue : (1UL << w) - 1;
        if (w <= 8)
        {
            // The whole group (8 * w bits) sits in one 64-bit load.
            var x = Load64(ref s, 0);
            d = (int)(x & mask);
            Unsafe.Add(ref d, 1) = (int)((x >> w) & mask);
            Unsafe.Add(ref d, 2) = (int)((x >> (2 * w)) & mask);
            Unsafe.Add(ref d, 3) = (int)((x >> (3 * w)) & mask);
            Unsafe.Add(ref d, 4) = (int)((x >> (4 * w)) & mask);
            Unsafe.Add(ref d, 5) = (int)((x >> (5 * w)) & mask);
            Unsafe.Add(ref d, 6) = (int)((x >> (6 * w)) & mask);
            Unsafe.Add(ref d, 7) = (int)((x >> (7 * w)) & mask);
        }
        else
        {
            // One load per value at a constant byte offset; shift (<= 7) + width (<= 32) fits in 64 bits.
            d = (int)(Load64(ref s, 0) & mask);
            Unsafe.Add(ref d, 1) = (int)((Load64(ref s, w >> 3) >> (w & 7)) & mask);
            Unsafe.Add(ref d, 2) = (int)((Load64(ref s, (2 * w) >> 3) >> ((2 * w) & 7)) & mask);
            Unsafe.Add(ref d, 3) = (int)((Load64(ref s, (3 * w) >> 3) >> ((3 * w) & 7)) & mask);
            Unsafe.Add(ref d, 4) = (int)((Load64(ref s, (4 * w) >> 3) >> ((4 * w) & 7)) & mask);
            Unsafe.Add(ref d, 5) = (int)((Load64(ref s, (5 * w) >> 3) >> ((5 * w) & 7)) & mask);
            Unsafe.Add(ref d, 6) = (int)((Load64(ref s, (6 * w) >> 3) >> ((6 * w) & 7)) & mask);
            Unsafe.Add(ref d, 7) = (int)((Load64(ref s, (7 * w) >> 3) >> ((7 * w) & 7)) & mask);
        }
    }

    private static void UnpackGroups64<TW>(ref byte source, ref ulong destination, int groups)
        where TW : IConstWidth
    {
        var w = TW.Value;
        if (w == 0)
        {
            Unsafe.InitBlockUnaligned(ref Unsafe.As<ulong, byte>(ref destination), 0, (uint)groups * 8 * sizeof(ulong));
            return;
        }

        for (var g = 0; g < groups; g++)
        {
            Unpack8x64<TW>(ref source, ref destination);
            source = ref Unsafe.Add(ref source, w);
            destination = ref Unsafe.Add(ref destination, 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpack8x64<TW>(ref byte s, ref ulong d)
        where TW : IConstWidth
    {
        var w = TW.Value;
        if (w <= 8)
        {
            var mask = (1UL << w) - 1;
            var x = Load64(ref s, 0);
            d = x & mask;
            Unsafe.Add(ref d, 1) = (x >> w) & mask;
            Unsafe.Add(ref d, 2) = (x >> (2 * w)) & mask;
            Unsafe.Add(ref d, 3) = (x >> (3 * w)) & mask;
            Unsafe.Add(ref d, 4) = (x >> (4 * w)) & mask;
            Unsafe.Add(ref d, 5) = (x >> (5 * w)) & mask;
            Unsafe.Add(ref d, 6) = (x >> (6 * w)) & mask;
            Unsafe.Add(ref d, 7) = (x >> (7 * w)) & mask;
        }
        else
        {
            d = Extract<TW>(ref s, 0);
            Unsafe.Add(ref d, 1) = Extract<TW>(ref s, w);
            Unsafe.Add(ref d, 2) = Extract<TW>(ref s, 2 * w);
            Unsafe.Add(ref d, 3) = Extract<TW>(ref s, 3 * w);
            Unsafe.Add(ref d, 4) = Extract<TW>(ref s, 4 * w);
            Unsafe.Add(ref d, 5) = Extract<TW>(ref s, 5 * w);
            Unsafe.Add(ref d, 6) = Extract<TW>(ref s, 6 * w);
            Unsafe.Add(ref d, 7) = Extract<TW>(ref s, 7 * w);
        }
    }

    /// <summary>Extracts the width-TW value starting at <paramref name="bitOffset"/> (a JIT-time constant after inlining).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Extract<TW>(ref byte s, int bitOffset)
        where TW : IConstWidth
    {
        var w = TW.Value;
        var mask = w == 64 ? ulong.MaxValue : (1UL << w) - 1;
        var shift = bitOffset & 7;
        var v = Load64(ref s, bitOffset >> 3) >> shift;
        if (shift + w > 64)
        {
            v |= (ulong)Unsafe.Add(ref s, (bitOffset >> 3) + 8) << (64 - shift);
        }

        return v & mask;
    }

    /// <summary>
    /// Packs <paramref name="values"/> (a multiple of 8 values, each already below 2^bitWidth) LSB-first into
    /// <paramref name="destination"/>, which must hold exactly values.Length * bitWidth / 8 bytes.
    /// </summary>
    public static void Pack(ReadOnlySpan<ulong> values, int bitWidth, Span<byte> destination)
    {
        if (bitWidth == 0)
        {
            return;
        }

        ulong acc = 0;
        var bits = 0;
        var o = 0;
        foreach (var v in values)
        {
            acc |= v << bits;
            bits += bitWidth;
            if (bits >= 64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(o, 8), acc);
                o += 8;
                bits -= 64;
                acc = bits == 0 ? 0 : v >> (bitWidth - bits);
            }
        }

        while (bits > 0)
        {
            destination[o++] = (byte)acc;
            acc >>= 8;
            bits -= 8;
        }
    }

    /// <summary>32-bit variant of <see cref="Pack(ReadOnlySpan{ulong}, int, Span{byte})"/>.</summary>
    public static void Pack(ReadOnlySpan<int> values, int bitWidth, Span<byte> destination)
    {
        if (bitWidth == 0)
        {
            return;
        }

        ulong acc = 0;
        var bits = 0;
        var o = 0;
        foreach (var value in values)
        {
            acc |= (ulong)(uint)value << bits;
            bits += bitWidth;
            if (bits >= 32)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(o, 4), (uint)acc);
                o += 4;
                acc >>= 32;
                bits -= 32;
            }
        }

        while (bits > 0)
        {
            destination[o++] = (byte)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
}

/// <summary>A bit width known to the JIT as a constant (one struct per width).</summary>
internal interface IConstWidth
{
    static abstract int Value { get; }
}

internal readonly struct W0 : IConstWidth
{
    public static int Value => 0;
}

internal readonly struct W1 : IConstWidth
{
    public static int Value => 1;
}

internal readonly struct W2 : IConstWidth
{
    public static int Value => 2;
}

internal readonly struct W3 : IConstWidth
{
    public static int Value => 3;
}

internal readonly struct W4 : IConstWidth
{
    public static int Value => 4;
}

internal readonly struct W5 : IConstWidth
{
    public static int Value => 5;
}

internal readonly struct W6 : IConstWidth
{
    public static int Value => 6;
}

internal readonly struct W7 : IConstWidth
{
    public static int Value => 7;
}

internal readonly struct W8 : IConstWidth
{
    public static int Value => 8;
}

internal readonly struct W9 : IConstWidth
{
    public static int Value => 9;
}

internal readonly struct W10 : IConstWidth
{
    public static int Value => 10;
}

internal readonly struct W11 : IConstWidth
{
    public static int Value => 11;
}

internal readonly struct W12 : IConstWidth
{
    public static int Value => 12;
}

internal readonly struct W13 : IConstWidth
{
    public static int Value => 13;
}

internal readonly struct W14 : IConstWidth
{
    public static int Value => 14;
}

internal readonly struct W15 : IConstWidth
{
    public static int Value => 15;
}

internal readonly struct W16 : IConstWidth
{
    public static int Value => 16;
}

internal readonly struct W17 : IConstWidth
{
    public static int Value => 17;
}

internal readonly struct W18 : IConstWidth
{
    public static int Value => 18;
}

internal readonly struct W19 : IConstWidth
{
    public static int Value => 19;
}

internal readonly struct W20 : IConstWidth
{
    public static int Value => 20;
}

internal readonly struct W21 : IConstWidth
{
    public static int Value => 21;
}

internal readonly struct W22 : IConstWidth
{
    public static int Value => 22;
}

internal readonly struct W23 : IConstWidth
{
    public static int Value => 23;
}

internal readonly struct W24 : IConstWidth
{
    public static int Value => 24;
}

internal readonly struct W25 : IConstWidth
{
    public static int Value => 25;
}

internal readonly struct W26 : IConstWidth
{
    public static int Value => 26;
}

internal readonly struct W27 : IConstWidth
{
    public static int Value => 27;
}

internal readonly struct W28 : IConstWidth
{
    public static int Value => 28;
}

internal readonly struct W29 : IConstWidth
{
    public static int Value => 29;
}

internal readonly struct W30 : IConstWidth
{
    public static int Value => 30;
}

internal readonly struct W31 : IConstWidth
{
    public static int Value => 31;
}

internal readonly struct W32 : IConstWidth
{
    public static int Value => 32;
}

internal readonly struct W33 : IConstWidth
{
    public static int Value => 33;
}

internal readonly struct W34 : IConstWidth
{
    public static int Value => 34;
}

internal readonly struct W35 : IConstWidth
{
    public static int Value => 35;
}

internal readonly struct W36 : IConstWidth
{
    public static int Value => 36;
}

internal readonly struct W37 : IConstWidth
{
    public static int Value => 37;
}

internal readonly struct W38 : IConstWidth
{
    public static int Value => 38;
}

internal readonly struct W39 : IConstWidth
{
    public static int Value => 39;
}

internal readonly struct W40 : IConstWidth
{
    public static int Value => 40;
}

internal readonly struct W41 : IConstWidth
{
    public static int Value => 41;
}

internal readonly struct W42 : IConstWidth
{
    public static int Value => 42;
}

internal readonly struct W43 : IConstWidth
{
    public static int Value => 43;
}

internal readonly struct W44 : IConstWidth
{
    public static int Value => 44;
}

internal readonly struct W45 : IConstWidth
{
    public static int Value => 45;
}

internal readonly struct W46 : IConstWidth
{
    public static int Value => 46;
}

internal readonly struct W47 : IConstWidth
{
    public static int Value => 47;
}

internal readonly struct W48 : IConstWidth
{
    public static int Value => 48;
}

internal readonly struct W49 : IConstWidth
{
    public static int Value => 49;
}

internal readonly struct W50 : IConstWidth
{
    public static int Value => 50;
}

internal readonly struct W51 : IConstWidth
{
    public static int Value => 51;
}

internal readonly struct W52 : IConstWidth
{
    public static int Value => 52;
}

internal readonly struct W53 : IConstWidth
{
    public static int Value => 53;
}

internal readonly struct W54 : IConstWidth
{
    public static int Value => 54;
}

internal readonly struct W55 : IConstWidth
{
    public static int Value => 55;
}

internal readonly struct W56 : IConstWidth
{
    public static int Value => 56;
}

internal readonly struct W57 : IConstWidth
{
    public static int Value => 57;
}

internal readonly struct W58 : IConstWidth
{
    public static int Value => 58;
}

internal readonly struct W59 : IConstWidth
{
    public static int Value => 59;
}

internal readonly struct W60 : IConstWidth
{
    public static int Value => 60;
}

internal readonly struct W61 : IConstWidth
{
    public static int Value => 61;
}

internal readonly struct W62 : IConstWidth
{
    public static int Value => 62;
}

internal readonly struct W63 : IConstWidth
{
    public static int Value => 63;
}

internal readonly struct W64 : IConstWidth
{
    public static int Value => 64;
}
