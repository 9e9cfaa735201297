using System.Buffers;
using System.Buffers.Binary;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Writes the RLE / bit-packed hybrid encoding (definition/repetition levels, dictionary indices, booleans).
/// Only the runs are written: no 4-byte length prefix and no leading bit-width byte (callers add those).
/// Runs of at least 8 equal values become RLE runs; everything else is bit-packed in groups of 8, the
/// final group padded with zeros as the specification allows (readers know the value count).
/// </summary>
public static class RleBitPackedHybridEncoder
{
    /// <summary>Minimum number of equal values written as an RLE run.</summary>
    private const int MinRleRun = 8;

    /// <summary>Largest number of values in one bit-packed run written by this encoder (a multiple of 8).</summary>
    private const int MaxRunValues = 8 * 8192;

    /// <summary>Encodes <paramref name="values"/> (each in [0, 2^bitWidth)) with <paramref name="bitWidth"/> 0..32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The bit width is outside 0..32 or a value does not fit in it.</exception>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, IBufferWriter<byte> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bitWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, 32);
        ArgumentNullException.ThrowIfNull(output);

        var n = values.Length;
        var literalStart = 0;
        var i = 0;
        while (i < n)
        {
            var v = values[i];
            // Scalar scan for short runs; the vectorised search only once a run is long enough to become RLE.
            var j = i + 1;
            var shortEnd = Math.Min(n, i + MinRleRun);
            while (j < shortEnd && values[j] == v)
            {
                j++;
            }

            if (j == i + MinRleRun)
            {
                var k = values[j..].IndexOfAnyExcept(v);
                j = k < 0 ? n : j + k;
            }

            var runLength = j - i;
            if (runLength >= MinRleRun)
            {
                var pending = i - literalStart;
                if (pending > 0)
                {
                    // Complete the last literal group with values borrowed from the run.
                    var borrow = (8 - (pending & 7)) & 7;
                    WriteBitPacked(values.Slice(literalStart, pending + borrow), bitWidth, output);
                    i += borrow;
                    runLength -= borrow;
                    literalStart = i;
                }

                if (runLength >= MinRleRun)
                {
                    WriteRle(v, runLength, bitWidth, output);
                    literalStart = j;
                }
            }

            i = j;
        }

        if (literalStart < n)
        {
            WriteBitPacked(values[literalStart..], bitWidth, output);
        }
    }

    private static void WriteRle(int value, int count, int bitWidth, IBufferWriter<byte> output)
    {
        if (bitWidth < 32 && (uint)value >> bitWidth != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"value does not fit in {bitWidth} bits");
        }

        var valueBytes = (bitWidth + 7) >> 3;
        var span = output.GetSpan(VarInt.MaxLength32 + 4);
        var o = VarInt.Write(span, (ulong)(uint)count << 1);
        Span<byte> le = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(le, value);
        le[..valueBytes].CopyTo(span[o..]);
        output.Advance(o + valueBytes);
    }

    /// <summary>Writes bit-packed runs holding <paramref name="values"/>, the last group zero-padded to 8 values.</summary>
    private static void WriteBitPacked(ReadOnlySpan<int> values, int bitWidth, IBufferWriter<byte> output)
    {
        var any = 0;
        foreach (var v in values)
        {
            any |= v;
        }

        if (bitWidth < 32 && (uint)any >> bitWidth != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(values), $"a value does not fit in {bitWidth} bits");
        }

        Span<int> last = stackalloc int[8];

        // Long literal stretches are split into runs of at most MaxRunValues so buffer requests stay small.
        while (values.Length > 0)
        {
            var chunk = values[..Math.Min(values.Length, MaxRunValues)];
            values = values[chunk.Length..];
            var groups = (chunk.Length + 7) >> 3;
            var span = output.GetSpan(VarInt.MaxLength32 + (groups * bitWidth));
            var o = VarInt.Write(span, ((ulong)(uint)groups << 1) | 1);
            var full = chunk.Length & ~7;
            var fullBytes = (full >> 3) * bitWidth;
            BitPacking.Pack(chunk[..full], bitWidth, span.Slice(o, fullBytes));
            o += fullBytes;
            if (full < chunk.Length)
            {
                last.Clear();
                chunk[full..].CopyTo(last);
                BitPacking.Pack(last, bitWidth, span.Slice(o, bitWidth));
                o += bitWidth;
            }

            output.Advance(o);
        }
    }
}
