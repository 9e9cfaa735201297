using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Fast seeded hashing for the writer's dictionaries (wyhash-style 64x64→128 multiply folding over 8-byte words).
/// The seed is random per process so crafted log content cannot precompute colliding keys.
/// </summary>
internal static class DictionaryHash
{
    private const ulong P0 = 0xa0761d6478bd642fUL;
    private const ulong P1 = 0xe7037ed1a0b428dbUL;
    private const ulong P2 = 0x8ebc6af09c88c6e3UL;

    private static readonly ulong s_seed = CreateSeed();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong a, ulong b)
    {
        var hi = Math.BigMul(a, b, out var lo);
        return hi ^ lo;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash64(ulong bits) => Mix(bits ^ s_seed ^ P0, P1);

    public static ulong HashBytes(ReadOnlySpan<byte> value)
    {
        var len = value.Length;
        var h = s_seed ^ Mix((ulong)len ^ P0, P1);
        var i = 0;
        while (len - i > 16)
        {
            h = Mix(BinaryPrimitives.ReadUInt64LittleEndian(value[i..]) ^ P1, BinaryPrimitives.ReadUInt64LittleEndian(value[(i + 8)..]) ^ h);
            i += 16;
        }

        var r = len - i;
        ulong a, b;
        if (r > 8)
        {
            a = BinaryPrimitives.ReadUInt64LittleEndian(value[i..]);
            b = BinaryPrimitives.ReadUInt64LittleEndian(value[(len - 8)..]);
        }
        else if (r >= 4)
        {
            a = BinaryPrimitives.ReadUInt32LittleEndian(value[i..]);
            b = BinaryPrimitives.ReadUInt32LittleEndian(value[(len - 4)..]);
        }
        else if (r > 0)
        {
            a = ((ulong)value[i] << 16) | ((ulong)value[i + (r >> 1)] << 8) | value[len - 1];
            b = 0;
        }
        else
        {
            a = 0;
            b = 0;
        }

        return Mix(P2 ^ (ulong)len, Mix(a ^ P1, b ^ h));
    }

    private static ulong CreateSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
