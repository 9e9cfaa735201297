using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Loggia.Core.Hashing;

/// <summary>
/// XXH64, the 64-bit xxHash by Yann Collet (specification: <c>doc/xxhash_spec.md</c> in the xxHash repository).
/// The result is the canonical little-endian-input XXH64 value, identical to the reference implementation and to
/// Go's <c>github.com/cespare/xxhash/v2</c> (which Prometheus and Loki use for label hashes).
/// </summary>
/// <remarks>Values produced here are persisted (stream fingerprints), so this algorithm must never change.</remarks>
public static class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    /// <summary>Stripe size: four 8-byte lanes are consumed per round.</summary>
    private const int StripeLength = 32;

    /// <summary>Computes XXH64 of <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        int length = data.Length;
        int offset = 0;
        ulong hash;

        // Terms are a few bytes (the tokenizer hashes ~20 per log line): they skip the stripes and go to the tail.
        if (length >= StripeLength)
        {
            ulong v1 = seed + Prime1 + Prime2;
            ulong v2 = seed + Prime2;
            ulong v3 = seed;
            ulong v4 = seed - Prime1;
            int limit = length - StripeLength;
            do
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 8)..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 16)..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[(offset + 24)..]));
                offset += StripeLength;
            }
            while (offset <= limit);

            hash = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
                + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            hash = MergeRound(hash, v1);
            hash = MergeRound(hash, v2);
            hash = MergeRound(hash, v3);
            hash = MergeRound(hash, v4);
        }
        else
        {
            hash = seed + Prime5;
        }

        return Avalanche(Tail(data, offset, hash + (ulong)length));
    }

    /// <summary>The bytes after the last stripe, read without slices or bounds checks (all reads lie inside <paramref name="data"/>).</summary>
    private static ulong Tail(ReadOnlySpan<byte> data, int offset, ulong hash)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        for (; offset + 8 <= length; offset += 8)
        {
            hash ^= Round(0, ReadLittleEndian64(ref Unsafe.Add(ref start, offset)));
            hash = (BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4;
        }

        if (offset + 4 <= length)
        {
            uint k = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset));
            hash ^= (BitConverter.IsLittleEndian ? k : BinaryPrimitives.ReverseEndianness(k)) * Prime1;
            hash = (BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3;
            offset += 4;
        }

        for (; offset < length; offset++)
        {
            hash ^= Unsafe.Add(ref start, offset) * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadLittleEndian64(ref byte source)
    {
        ulong value = Unsafe.ReadUnaligned<ulong>(ref source);
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Avalanche(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong accumulator, ulong input)
    {
        accumulator += input * Prime2;
        accumulator = BitOperations.RotateLeft(accumulator, 31);
        return accumulator * Prime1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MergeRound(ulong accumulator, ulong value)
    {
        accumulator ^= Round(0, value);
        return (accumulator * Prime1) + Prime4;
    }
}
