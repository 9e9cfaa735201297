using System.Buffers;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Writes DELTA_BINARY_PACKED with blocks of 128 values in 4 miniblocks of 32 (the layout parquet-mr,
/// Arrow and DuckDB write). INT32 deltas use 32-bit two's-complement wrapping arithmetic (miniblock bit
/// widths at most 32), INT64 deltas 64-bit wrapping arithmetic (at most 64).
/// </summary>
public static class DeltaBinaryPackedEncoder
{
    internal const int BlockSize = 128;
    internal const int MiniblocksPerBlock = 4;
    internal const int ValuesPerMiniblock = BlockSize / MiniblocksPerBlock;

    /// <summary>Encodes INT64 values.</summary>
    public static void Encode(ReadOnlySpan<long> values, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(values.Length, values.IsEmpty ? 0 : values[0], output);
        Span<long> deltas = stackalloc long[BlockSize];
        Span<ulong> packed = stackalloc ulong[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var n = Math.Min(BlockSize, values.Length - start);
            var prev = values[start - 1];
            var block = values.Slice(start, n);
            for (var i = 0; i < block.Length; i++)
            {
                var v = block[i];
                deltas[i] = unchecked(v - prev);
                prev = v;
            }

            WriteBlock(deltas[..n], is32: false, packed, output);
        }
    }

    /// <summary>Encodes INT32 values (deltas wrap at 32 bits).</summary>
    public static void Encode(ReadOnlySpan<int> values, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeader(values.Length, values.IsEmpty ? 0 : values[0], output);
        Span<long> deltas = stackalloc long[BlockSize];
        Span<ulong> packed = stackalloc ulong[BlockSize];
        for (var start = 1; start < values.Length; start += BlockSize)
        {
            var n = Math.Min(BlockSize, values.Length - start);
            var prev = values[start - 1];
            var block = values.Slice(start, n);
            for (var i = 0; i < block.Length; i++)
            {
                var v = block[i];
                deltas[i] = unchecked(v - prev);
                prev = v;
            }

            WriteBlock(deltas[..n], is32: true, packed, output);
        }
    }

    /// <summary>
    /// Encodes the lengths of Arrow-style values (<c>offsets[i + 1] - offsets[i]</c>) as INT32 without
    /// materialising them; used by DELTA_LENGTH_BYTE_ARRAY.
    /// </summary>
    internal static void EncodeLengths(ReadOnlySpan<int> offsets, IBufferWriter<byte> output)
    {
        var count = offsets.Length - 1;
        WriteHeader(count, count == 0 ? 0 : offsets[1] - offsets[0], output);
        Span<long> deltas = stackalloc long[BlockSize];
        Span<ulong> packed = stackalloc ulong[BlockSize];
        for (var start = 1; start < count; start += BlockSize)
        {
            var n = Math.Min(BlockSize, count - start);
            var prev = offsets[start] - offsets[start - 1];
            for (var i = 0; i < n; i++)
            {
                var v = offsets[start + i + 1] - offsets[start + i];
                deltas[i] = unchecked(v - prev);
                prev = v;
            }

            WriteBlock(deltas[..n], is32: true, packed, output);
        }
    }

    private static void WriteHeader(int count, long firstValue, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(3 * VarInt.MaxLength32 + VarInt.MaxLength64);
        var o = VarInt.Write(span, BlockSize);
        o += VarInt.Write(span[o..], MiniblocksPerBlock);
        o += VarInt.Write(span[o..], (ulong)count);
        o += VarInt.Write(span[o..], VarInt.ZigZagEncode(firstValue));
        output.Advance(o);
    }

    /// <summary>Writes one block of 1..128 deltas (32-bit deltas already wrapped into int range when <paramref name="is32"/>).</summary>
    private static void WriteBlock(ReadOnlySpan<long> deltas, bool is32, Span<ulong> packed, IBufferWriter<byte> output)
    {
        var minDelta = long.MaxValue;
        foreach (var d in deltas)
        {
            minDelta = Math.Min(minDelta, d);
        }

        packed.Clear();
        if (is32)
        {
            for (var i = 0; i < deltas.Length; i++)
            {
                packed[i] = unchecked((uint)((int)deltas[i] - (int)minDelta));
            }
        }
        else
        {
            for (var i = 0; i < deltas.Length; i++)
            {
                packed[i] = unchecked((ulong)(deltas[i] - minDelta));
            }
        }

        var usedMiniblocks = (deltas.Length + ValuesPerMiniblock - 1) / ValuesPerMiniblock;
        Span<int> widths = stackalloc int[MiniblocksPerBlock];
        var bodyBytes = 0;
        for (var m = 0; m < MiniblocksPerBlock; m++)
        {
            var w = 0;
            if (m < usedMiniblocks)
            {
                ulong any = 0;
                foreach (var p in packed.Slice(m * ValuesPerMiniblock, ValuesPerMiniblock))
                {
                    any |= p;
                }

                w = BitWidth.Of(any);
            }

            widths[m] = w;
            bodyBytes += ValuesPerMiniblock / 8 * w;
        }

        var span = output.GetSpan(VarInt.MaxLength64 + MiniblocksPerBlock + bodyBytes);
        var o = VarInt.Write(span, VarInt.ZigZagEncode(minDelta));
        for (var m = 0; m < MiniblocksPerBlock; m++)
        {
            span[o++] = (byte)widths[m];
        }

        for (var m = 0; m < usedMiniblocks; m++)
        {
            var bytes = ValuesPerMiniblock / 8 * widths[m];
            BitPacking.Pack(packed.Slice(m * ValuesPerMiniblock, ValuesPerMiniblock), widths[m], span.Slice(o, bytes));
            o += bytes;
        }

        output.Advance(o);
    }
}
