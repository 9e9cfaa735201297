using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class DeltaBinaryPackedTests
{
    public static TheoryData<int> Sizes() => TestData.SizeData();

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Int64_round_trip_of_random_values_is_exact_and_consumes_whole_stream(int count)
    {
        var random = new Random(count);
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(4) switch
            {
                0 => random.NextInt64(),
                1 => random.NextInt64(-1000, 1000),
                2 => i % 2 == 0 ? long.MinValue : long.MaxValue,
                _ => random.NextInt64(long.MinValue, long.MaxValue),
            };
        }

        AssertInt64RoundTrip(values);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Int32_round_trip_of_random_values_is_exact_and_consumes_whole_stream(int count)
    {
        var random = new Random(count + 1);
        var values = new int[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(3) switch
            {
                0 => random.Next(int.MinValue, int.MaxValue),
                1 => random.Next(-50, 50),
                _ => i % 3 == 0 ? int.MinValue : int.MaxValue,
            };
        }

        AssertInt32RoundTrip(values);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Monotone_nanosecond_timestamps_round_trip_in_few_bytes(int count)
    {
        var random = new Random(count + 2);
        var values = new long[count];
        var t = 1_700_000_000_000_000_000L;
        for (var i = 0; i < count; i++)
        {
            t += random.Next(0, 2000);
            values[i] = t;
        }

        var size = AssertInt64RoundTrip(values);
        if (count >= 1000)
        {
            // 11-bit deltas plus per-block headers: well under 2 bytes per value instead of 8.
            Assert.True(size < count * 2, $"{size} bytes for {count} timestamps");
        }
    }

    [Fact]
    public void Int32_extremes_with_overflowing_deltas_round_trip_using_at_most_32_bit_widths()
    {
        int[] values = [int.MinValue, int.MaxValue, int.MinValue, 0, int.MaxValue, -1, int.MinValue, 1, int.MaxValue, int.MaxValue];
        var bytes = AssertInt32RoundTrip(values);

        // Header (5 bytes incl. zig-zag first value) then min delta, four widths.
        var decoderInput = bytes;
        var pos = 0;
        for (var field = 0; field < 4; field++)
        {
            while ((decoderInput[pos++] & 0x80) != 0)
            {
            }
        }

        while ((decoderInput[pos++] & 0x80) != 0)
        {
        }

        Assert.True(decoderInput[pos] <= 32, $"bit width {decoderInput[pos]}");
    }

    [Fact]
    public void Int64_extremes_with_overflowing_deltas_round_trip()
    {
        AssertInt64RoundTrip([long.MinValue, long.MaxValue, long.MinValue, 0, long.MaxValue, -1, long.MinValue, 1]);
        AssertInt64RoundTrip([long.MaxValue]);
        AssertInt64RoundTrip([long.MinValue, long.MinValue]);
    }

    [Fact]
    public void Spec_example_1_to_5_encodes_to_header_80_01_04_05_02_then_min_delta_02_and_zero_widths()
    {
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new long[] { 1, 2, 3, 4, 5 }, output);
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0 }, output.WrittenSpan.ToArray());

        var intOutput = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new[] { 1, 2, 3, 4, 5 }, intOutput);
        Assert.Equal(output.WrittenSpan.ToArray(), intOutput.WrittenSpan.ToArray());
    }

    [Fact]
    public void Spec_example_7_5_3_1_2_3_4_5_packs_relative_deltas_at_width_2()
    {
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new long[] { 7, 5, 3, 1, 2, 3, 4, 5 }, output);
        byte[] expected = [0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
        var decoder = new DeltaBinaryPackedDecoder(expected);
        var decoded = new long[8];
        Assert.Equal(8, decoder.ReadInt64(decoded));
        Assert.Equal(new long[] { 7, 5, 3, 1, 2, 3, 4, 5 }, decoded);
        Assert.Equal(expected.Length, decoder.BytesConsumed);
    }

    [Fact]
    public void Zero_and_one_values_have_header_only_streams()
    {
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(ReadOnlySpan<long>.Empty, output);
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x00, 0x00 }, output.WrittenSpan.ToArray());

        output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new long[] { -3 }, output);
        Assert.Equal(new byte[] { 0x80, 0x01, 0x04, 0x01, 0x05 }, output.WrittenSpan.ToArray());
        var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
        var one = new long[3];
        Assert.Equal(1, decoder.ReadInt64(one));
        Assert.Equal(-3, one[0]);
        Assert.Equal(5, decoder.BytesConsumed);
    }

    [Fact]
    public void Decoding_in_small_batches_matches_one_call_and_mixing_int32_and_int64_reads_is_consistent()
    {
        var random = new Random(5);
        var values = new int[3000];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(-100000, 100000);
        }

        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        foreach (var batch in new[] { 1, 5, 31, 32, 33, 127, 500 })
        {
            var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
            var decoded = new int[values.Length];
            var longs = new long[batch];
            var total = 0;
            var useLong = false;
            while (total < values.Length)
            {
                var want = Math.Min(batch, values.Length - total);
                int n;
                if (useLong)
                {
                    n = decoder.ReadInt64(longs.AsSpan(0, want));
                    for (var k = 0; k < n; k++)
                    {
                        decoded[total + k] = (int)longs[k];
                    }
                }
                else
                {
                    n = decoder.ReadInt32(decoded.AsSpan(total, want));
                }

                Assert.Equal(want, n);
                total += n;
                useLong = !useLong;
            }

            Assert.Equal(values, decoded);
            Assert.Equal(0, decoder.ReadInt32(new int[4]));
            Assert.Equal(output.WrittenCount, decoder.BytesConsumed);
        }
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(256, 8)]
    [InlineData(256, 2)]
    [InlineData(512, 4)]
    [InlineData(1024, 1)]
    public void Streams_from_writers_with_other_block_layouts_decode(int blockSize, int miniblocks)
    {
        var random = new Random(blockSize + miniblocks);
        foreach (var count in new[] { 0, 1, 2, 33, blockSize, blockSize + 1, (3 * blockSize) + 70 })
        {
            var values = new long[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = random.Next(5) == 0 ? random.NextInt64() : random.Next(0, 1 << random.Next(0, 20));
            }

            // Garbage in unused bit-width slots must be ignored, and trailing bytes must not be consumed.
            var encoded = ReferenceEncode(values, blockSize, miniblocks, garbageWidths: true);
            var withTrailer = encoded.Concat(new byte[] { 0xEE, 0xEE }).ToArray();
            var decoder = new DeltaBinaryPackedDecoder(withTrailer);
            Assert.Equal(count, decoder.TotalValueCount);
            var decoded = new long[count];
            Assert.Equal(count, decoder.ReadInt64(decoded));
            Assert.Equal(values, decoded);
            Assert.Equal(encoded.Length, decoder.BytesConsumed);
        }
    }

    [Fact]
    public void Skip_reaches_the_exact_end_of_the_stream()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (long)i * i).ToArray();
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
        var first = new long[10];
        decoder.ReadInt64(first);
        Assert.Equal(990, decoder.Skip(5000));
        Assert.Equal(output.WrittenCount, decoder.BytesConsumed);
    }

    [Fact]
    public void Header_claiming_two_billion_values_in_a_few_bytes_is_rejected_without_allocating()
    {
        // block 128, 4 miniblocks, count 2^31 - 1, first value 0, then a few bytes.
        byte[] data = [0x80, 0x01, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ParquetFormatException>(() => new DeltaBinaryPackedDecoder(data));
        Assert.Contains("too short", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x04, 0x01, 0x00 })]               // block size 0
    [InlineData(new byte[] { 0x40, 0x04, 0x01, 0x00 })]               // block size 64
    [InlineData(new byte[] { 0x80, 0x01, 0x03, 0x01, 0x00 })]         // 128 / 3 miniblocks
    [InlineData(new byte[] { 0x80, 0x01, 0x08, 0x01, 0x00 })]         // 16 values per miniblock
    [InlineData(new byte[] { 0x80, 0x01, 0x00, 0x01, 0x00 })]         // 0 miniblocks
    [InlineData(new byte[] { 0x80, 0x01, 0x04, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00 })] // count > int.MaxValue
    [InlineData(new byte[] { 0x80, 0x01, 0x04 })]                     // truncated header
    [InlineData(new byte[] { 0x80, 0x01, 0x04, 0x02, 0x80 })]         // truncated first value
    public void Malformed_headers_throw_ParquetFormatException(byte[] data) =>
        Assert.Throws<ParquetFormatException>(() => new DeltaBinaryPackedDecoder(data));

    [Fact]
    public void Bit_width_above_64_throws_ParquetFormatException()
    {
        byte[] data = [0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 65, 0, 0, 0, .. new byte[600]];
        Assert.Throws<ParquetFormatException>(() => new DeltaBinaryPackedDecoder(data).ReadInt64(new long[3]));
    }

    [Fact]
    public void Every_truncation_of_a_valid_stream_throws_ParquetFormatException()
    {
        var random = new Random(9);
        var values = new long[300];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextInt64(-1 << 20, 1 << 20);
        }

        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var full = output.WrittenSpan.ToArray();
        for (var length = 0; length < full.Length; length++)
        {
            var truncated = full[..length];
            Assert.Throws<ParquetFormatException>(() =>
            {
                var decoder = new DeltaBinaryPackedDecoder(truncated);
                decoder.ReadInt64(new long[values.Length]);
            });
        }
    }

    private static int AssertInt64RoundTrip(long[] values)
    {
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
        Assert.Equal(values.Length, decoder.TotalValueCount);
        var decoded = new long[values.Length + 5];
        Assert.Equal(values.Length, decoder.ReadInt64(decoded));
        Assert.Equal(values, decoded[..values.Length]);
        Assert.Equal(output.WrittenCount, decoder.BytesConsumed);
        Assert.Equal(values, ReferenceDecode(output.WrittenSpan.ToArray(), out var consumed));
        Assert.Equal(output.WrittenCount, consumed);
        return output.WrittenCount;
    }

    private static byte[] AssertInt32RoundTrip(int[] values)
    {
        var output = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
        Assert.Equal(values.Length, decoder.TotalValueCount);
        var decoded = new int[values.Length + 5];
        Assert.Equal(values.Length, decoder.ReadInt32(decoded));
        Assert.Equal(values, decoded[..values.Length]);
        Assert.Equal(output.WrittenCount, decoder.BytesConsumed);
        var reference = ReferenceDecode(output.WrittenSpan.ToArray(), out _);
        Assert.Equal(values, reference.Select(v => unchecked((int)v)).ToArray());
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Naive spec-following decoder (bit at a time), independent of the production code.</summary>
    internal static long[] ReferenceDecode(byte[] data, out int consumed)
    {
        var pos = 0;
        ulong Uleb()
        {
            ulong result = 0;
            var shift = 0;
            byte b;
            do
            {
                b = data[pos++];
                result |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            return result;
        }

        static long Unzig(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
        var blockSize = (int)Uleb();
        var miniblocks = (int)Uleb();
        var count = (int)Uleb();
        var last = Unzig(Uleb());
        var perMiniblock = blockSize / miniblocks;
        var result = new List<long>();
        if (count > 0)
        {
            result.Add(last);
        }

        while (result.Count < count)
        {
            var minDelta = Unzig(Uleb());
            var widths = data[pos..(pos + miniblocks)];
            pos += miniblocks;
            for (var m = 0; m < miniblocks && result.Count < count; m++)
            {
                long bit = (long)pos * 8;
                for (var i = 0; i < perMiniblock; i++)
                {
                    ulong v = 0;
                    for (var k = 0; k < widths[m]; k++, bit++)
                    {
                        v |= (ulong)((data[bit >> 3] >> (int)(bit & 7)) & 1) << k;
                    }

                    if (result.Count < count)
                    {
                        last = unchecked(last + minDelta + (long)v);
                        result.Add(last);
                    }
                }

                pos += perMiniblock * widths[m] / 8;
            }
        }

        consumed = pos;
        return result.ToArray();
    }

    /// <summary>Naive encoder with a configurable block layout, standing in for other writers.</summary>
    internal static byte[] ReferenceEncode(long[] values, int blockSize, int miniblocks, bool garbageWidths)
    {
        var output = new List<byte>();
        void Uleb(ulong v)
        {
            while (v >= 0x80)
            {
                output.Add((byte)(v | 0x80));
                v >>= 7;
            }

            output.Add((byte)v);
        }

        static ulong Zig(long v) => (ulong)((v << 1) ^ (v >> 63));
        Uleb((ulong)blockSize);
        Uleb((ulong)miniblocks);
        Uleb((ulong)values.Length);
        Uleb(Zig(values.Length > 0 ? values[0] : 0));
        var perMiniblock = blockSize / miniblocks;
        for (var start = 1; start < values.Length; start += blockSize)
        {
            var n = Math.Min(blockSize, values.Length - start);
            var deltas = new long[n];
            for (var i = 0; i < n; i++)
            {
                deltas[i] = unchecked(values[start + i] - values[start + i - 1]);
            }

            var min = deltas.Min();
            Uleb(Zig(min));
            var used = (n + perMiniblock - 1) / perMiniblock;
            var widths = new int[miniblocks];
            for (var m = 0; m < miniblocks; m++)
            {
                if (m < used)
                {
                    ulong any = 0;
                    for (var i = m * perMiniblock; i < Math.Min(n, (m + 1) * perMiniblock); i++)
                    {
                        any |= unchecked((ulong)(deltas[i] - min));
                    }

                    widths[m] = BitWidth.Of(any);
                }
                else
                {
                    widths[m] = garbageWidths ? 0xFF : 0;
                }

                output.Add((byte)widths[m]);
            }

            for (var m = 0; m < used; m++)
            {
                var bits = new List<bool>();
                for (var i = 0; i < perMiniblock; i++)
                {
                    var index = (m * perMiniblock) + i;
                    var v = index < n ? unchecked((ulong)(deltas[index] - min)) : 0;
                    for (var k = 0; k < widths[m]; k++)
                    {
                        bits.Add(((v >> k) & 1) != 0);
                    }
                }

                for (var b = 0; b < bits.Count; b += 8)
                {
                    var by = 0;
                    for (var k = 0; k < 8; k++)
                    {
                        by |= (bits[b + k] ? 1 : 0) << k;
                    }

                    output.Add((byte)by);
                }
            }
        }

        return output.ToArray();
    }
}
