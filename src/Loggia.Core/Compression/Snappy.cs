using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Loggia.Core.Compression;

/// <summary>
/// The raw Snappy block format (not the framing format): a varint of the uncompressed length followed by
/// literal and copy elements. Used by the Parquet SNAPPY codec and by Loki push bodies.
/// </summary>
/// <remarks>
/// <para>
/// The compressor matches against the whole input (not 64 KiB fragments) with a hash table of up to 2^14
/// entries that is reused per thread, so it does not allocate per call. Copies use 1-, 2- or 4-byte offsets
/// as the distance requires. Any conforming Snappy decoder reads its output.
/// </para>
/// <para>
/// The decompressor validates every element: malformed input raises <see cref="InvalidDataException"/>,
/// never an index or argument exception, and it never writes past the uncompressed length.
/// All members are thread-safe.
/// </para>
/// </remarks>
public static class Snappy
{
    private const int MaxHashBits = 14;
    private const int MinHashBits = 8;

    /// <summary>Inputs shorter than this are emitted as a single literal.</summary>
    private const int InputMarginBytes = 15;

    private const int TagLiteral = 0;
    private const int TagCopy1 = 1;
    private const int TagCopy2 = 2;
    private const int TagCopy4 = 3;

    [ThreadStatic]
    private static int[]? t_hashTable;

    /// <summary>
    /// The largest output <see cref="Compress"/> can produce for <paramref name="sourceLength"/> input bytes
    /// (<c>32 + n + n/6</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or the bound exceeds <see cref="int.MaxValue"/>.</exception>
    public static int GetMaxCompressedLength(int sourceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceLength);
        long max = 32L + sourceLength + (sourceLength / 6);
        if (max > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceLength), sourceLength, "snappy: input too large to compress in one block");
        }

        return (int)max;
    }

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <param name="source">The data to compress.</param>
    /// <param name="destination">At least <see cref="GetMaxCompressedLength"/> bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the maximum compressed length.</exception>
    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int maxLength = GetMaxCompressedLength(source.Length);
        if (destination.Length < maxLength)
        {
            throw new ArgumentException(
                $"snappy: destination has {destination.Length} bytes but compressing {source.Length} bytes may need {maxLength} (use GetMaxCompressedLength)",
                nameof(destination));
        }

        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            byte* op = WriteVarint(dst, (uint)source.Length);
            int n = source.Length;
            if (n < InputMarginBytes)
            {
                if (n > 0)
                {
                    op = EmitLiteral(op, src, n);
                }

                return (int)(op - dst);
            }

            int hashBits = MinHashBits;
            while (hashBits < MaxHashBits && (1 << hashBits) < n)
            {
                hashBits++;
            }

            int[] table = t_hashTable ??= new int[1 << MaxHashBits];
            Array.Clear(table, 0, 1 << hashBits);
            fixed (int* hashTable = table)
            {
                op = CompressBody(src, n, op, hashTable, 32 - hashBits);
            }

            return (int)(op - dst);
        }
    }

    /// <summary>Reads the uncompressed length from the varint that starts a Snappy block.</summary>
    /// <returns><see langword="false"/> when the varint is truncated, too long, or above <see cref="int.MaxValue"/>.</returns>
    public static bool TryGetUncompressedLength(ReadOnlySpan<byte> source, out int length)
    {
        return TryReadVarint(source, out length, out _);
    }

    /// <summary>
    /// Decompresses a raw Snappy block into <paramref name="destination"/> and returns the uncompressed length.
    /// </summary>
    /// <param name="source">One complete Snappy block.</param>
    /// <param name="destination">At least the uncompressed length (see <see cref="TryGetUncompressedLength"/>).</param>
    /// <exception cref="InvalidDataException">
    /// The block is malformed (bad length varint, copy offset 0 or before the start of the output, an element
    /// running past the input or the declared length, or fewer bytes than declared), or the declared length
    /// exceeds <paramref name="destination"/>.
    /// </exception>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (!TryReadVarint(source, out int expected, out int ip))
        {
            throw new InvalidDataException("snappy: invalid uncompressed-length varint at the start of the block");
        }

        if (expected > destination.Length)
        {
            throw new InvalidDataException(
                $"snappy: uncompressed length {expected} exceeds the destination buffer ({destination.Length} bytes)");
        }

        Span<byte> output = destination[..expected];
        int op = 0;
        while (ip < source.Length)
        {
            int tag = source[ip++];
            int length;
            switch (tag & 3)
            {
                case TagLiteral:
                    {
                        length = tag >> 2;
                        if (length >= 60)
                        {
                            int extra = length - 59;
                            if (source.Length - ip < extra)
                            {
                                throw Malformed("literal length runs past the end of the input", ip - 1);
                            }

                            uint value = 0;
                            for (int i = 0; i < extra; i++)
                            {
                                value |= (uint)source[ip + i] << (8 * i);
                            }

                            ip += extra;
                            if (value >= int.MaxValue)
                            {
                                throw Malformed($"literal length {value + 1L} is too large", ip - extra - 1);
                            }

                            length = (int)value;
                        }

                        length++;
                        if (source.Length - ip < length)
                        {
                            throw Malformed($"literal of {length} bytes runs past the end of the input", ip);
                        }

                        if (output.Length - op < length)
                        {
                            throw Malformed($"literal of {length} bytes overruns the declared length {expected}", ip);
                        }

                        source.Slice(ip, length).CopyTo(output[op..]);
                        ip += length;
                        op += length;
                        continue;
                    }

                case TagCopy1:
                    {
                        if (ip >= source.Length)
                        {
                            throw Malformed("copy element runs past the end of the input", ip - 1);
                        }

                        length = 4 + ((tag >> 2) & 7);
                        int offset = ((tag >> 5) << 8) | source[ip++];
                        Copy(output, ref op, offset, length, ip);
                        continue;
                    }

                case TagCopy2:
                    {
                        if (source.Length - ip < 2)
                        {
                            throw Malformed("copy element runs past the end of the input", ip - 1);
                        }

                        length = (tag >> 2) + 1;
                        int offset = BinaryPrimitives.ReadUInt16LittleEndian(source[ip..]);
                        ip += 2;
                        Copy(output, ref op, offset, length, ip);
                        continue;
                    }

                default:
                    {
                        if (source.Length - ip < 4)
                        {
                            throw Malformed("copy element runs past the end of the input", ip - 1);
                        }

                        length = (tag >> 2) + 1;
                        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(source[ip..]);
                        ip += 4;
                        if (offset > int.MaxValue)
                        {
                            throw Malformed($"copy offset {offset} points before the start of the output", ip);
                        }

                        Copy(output, ref op, (int)offset, length, ip);
                        continue;
                    }
            }
        }

        if (op != expected)
        {
            throw new InvalidDataException($"snappy: block declares {expected} uncompressed bytes but decodes to {op}");
        }

        return expected;
    }

    private static void Copy(Span<byte> output, ref int op, int offset, int length, int inputPosition)
    {
        if (offset == 0)
        {
            throw Malformed("copy offset 0", inputPosition);
        }

        if (offset > op)
        {
            throw Malformed($"copy offset {offset} points before the start of the output (at output byte {op})", inputPosition);
        }

        if (output.Length - op < length)
        {
            throw Malformed($"copy of {length} bytes overruns the declared length {output.Length}", inputPosition);
        }

        int from = op - offset;
        if (offset >= length)
        {
            output.Slice(from, length).CopyTo(output[op..]);
            op += length;
            return;
        }

        // Overlapping copy (a repeated pattern of period `offset`). The bytes in [from, op) are periodic, so
        // each pass can copy everything produced so far without overlapping source and destination.
        while (length > 0)
        {
            int chunk = Math.Min(length, op - from);
            output.Slice(from, chunk).CopyTo(output[op..]);
            op += chunk;
            length -= chunk;
        }
    }

    private static InvalidDataException Malformed(string what, int inputPosition) =>
        new($"snappy: malformed block: {what} (input offset {inputPosition})");

    private static bool TryReadVarint(ReadOnlySpan<byte> source, out int value, out int consumed)
    {
        uint result = 0;
        for (int i = 0; i < 5; i++)
        {
            if (i >= source.Length)
            {
                break;
            }

            uint b = source[i];
            if (i == 4 && b > 0x0F)
            {
                break;
            }

            result |= (b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (result > int.MaxValue)
                {
                    break;
                }

                value = (int)result;
                consumed = i + 1;
                return true;
            }
        }

        value = 0;
        consumed = 0;
        return false;
    }

    private static unsafe byte* WriteVarint(byte* op, uint value)
    {
        while (value >= 0x80)
        {
            *op++ = (byte)(value | 0x80);
            value >>= 7;
        }

        *op++ = (byte)value;
        return op;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe uint Load32(byte* p) => Unsafe.ReadUnaligned<uint>(p);

    /// <summary>
    /// Whether a copy from <paramref name="candidate"/> is worth emitting at <paramref name="ip"/>: 4 equal bytes,
    /// or 8 when the distance needs a 4-byte offset (a 5-byte element must cover at least 8 bytes, which keeps
    /// the output within <see cref="GetMaxCompressedLength"/>). Callers guarantee ip + 8 &lt;= n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool IsMatch(byte* src, int ip, int candidate) =>
        Load32(src + ip) == Load32(src + candidate)
        && (ip - candidate < 65536 || Unsafe.ReadUnaligned<ulong>(src + ip) == Unsafe.ReadUnaligned<ulong>(src + candidate));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(uint value, int shift) => (int)((value * 0x1E35A7BDu) >> shift);

    private static unsafe byte* CompressBody(byte* src, int n, byte* op, int* table, int shift)
    {
        // All 4-byte loads stay below n because the scan stops InputMarginBytes before the end.
        int ipLimit = n - InputMarginBytes;
        int nextEmit = 0;
        int ip = 1;
        int nextHash = Hash(Load32(src + ip), shift);

        while (true)
        {
            // Look for a 4-byte match. After 32 misses the stride grows by one byte per 32 further misses,
            // so incompressible data is skipped quickly.
            int skip = 32;
            int nextIp = ip;
            int candidate;
            do
            {
                ip = nextIp;
                int hash = nextHash;
                int stride = skip++ >> 5;
                nextIp = ip + stride;
                if (nextIp > ipLimit)
                {
                    goto EmitRemainder;
                }

                nextHash = Hash(Load32(src + nextIp), shift);
                candidate = table[hash];
                table[hash] = ip;
            }
            while (!IsMatch(src, ip, candidate));

            op = EmitLiteral(op, src + nextEmit, ip - nextEmit);

            // Emit copies for as long as the position right after a copy matches again.
            do
            {
                int matched = 4 + MatchLength(src + candidate + 4, src + ip + 4, src + n);
                int offset = ip - candidate;
                ip += matched;
                op = EmitCopy(op, offset, matched);
                nextEmit = ip;
                if (ip >= ipLimit)
                {
                    goto EmitRemainder;
                }

                table[Hash(Load32(src + ip - 1), shift)] = ip - 1;
                int currentHash = Hash(Load32(src + ip), shift);
                candidate = table[currentHash];
                table[currentHash] = ip;
            }
            while (IsMatch(src, ip, candidate));

            ip++;
            nextHash = Hash(Load32(src + ip), shift);
        }

    EmitRemainder:
        if (nextEmit < n)
        {
            op = EmitLiteral(op, src + nextEmit, n - nextEmit);
        }

        return op;
    }

    /// <summary>Length of the common prefix of <paramref name="a"/> and <paramref name="b"/>, with <paramref name="b"/> bounded by <paramref name="end"/> (a &lt; b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int MatchLength(byte* a, byte* b, byte* end)
    {
        byte* start = b;
        while (end - b >= 8)
        {
            ulong x = Unsafe.ReadUnaligned<ulong>(a) ^ Unsafe.ReadUnaligned<ulong>(b);
            if (x != 0)
            {
                int bytes = BitConverter.IsLittleEndian
                    ? BitOperations.TrailingZeroCount(x) >> 3
                    : BitOperations.LeadingZeroCount(x) >> 3;
                return (int)(b - start) + bytes;
            }

            a += 8;
            b += 8;
        }

        while (b < end && *a == *b)
        {
            a++;
            b++;
        }

        return (int)(b - start);
    }

    private static unsafe byte* EmitLiteral(byte* op, byte* literal, int length)
    {
        int n = length - 1;
        if (n < 60)
        {
            *op++ = (byte)((n << 2) | TagLiteral);
        }
        else
        {
            int extra = n < (1 << 8) ? 1 : n < (1 << 16) ? 2 : n < (1 << 24) ? 3 : 4;
            *op++ = (byte)(((59 + extra) << 2) | TagLiteral);
            for (int i = 0; i < extra; i++)
            {
                *op++ = (byte)(n >> (8 * i));
            }
        }

        Buffer.MemoryCopy(literal, op, length, length);
        return op + length;
    }

    private static unsafe byte* EmitCopy(byte* op, int offset, int length)
    {
        // Split long copies into pieces of at most 64 bytes, never leaving a tail shorter than 4.
        while (length >= 68)
        {
            op = EmitCopyUpTo64(op, offset, 64);
            length -= 64;
        }

        if (length > 64)
        {
            op = EmitCopyUpTo64(op, offset, 60);
            length -= 60;
        }

        return EmitCopyUpTo64(op, offset, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe byte* EmitCopyUpTo64(byte* op, int offset, int length)
    {
        if (length < 12 && offset < 2048)
        {
            *op++ = (byte)(TagCopy1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            *op++ = (byte)offset;
        }
        else if (offset < 65536)
        {
            *op++ = (byte)(TagCopy2 | ((length - 1) << 2));
            *op++ = (byte)offset;
            *op++ = (byte)(offset >> 8);
        }
        else
        {
            *op++ = (byte)(TagCopy4 | ((length - 1) << 2));
            *op++ = (byte)offset;
            *op++ = (byte)(offset >> 8);
            *op++ = (byte)(offset >> 16);
            *op++ = (byte)(offset >> 24);
        }

        return op;
    }
}
