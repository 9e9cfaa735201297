using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class RleBitPackedHybridTests
{
    public static TheoryData<int, int, bool> WidthsAndSizes()
    {
        var data = new TheoryData<int, int, bool>();
        for (var w = 0; w <= 32; w++)
        {
            foreach (var size in TestData.Sizes)
            {
                data.Add(w, size, false);
                data.Add(w, size, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WidthsAndSizes))]
    public void Round_trip_of_random_values_is_exact_for_every_bit_width_and_size(int bitWidth, int count, bool withRuns)
    {
        var random = new Random((bitWidth * 1000) + count + (withRuns ? 7 : 0));
        var values = TestData.LevelsLike(random, count, bitWidth, withRuns);
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(values, bitWidth, output);

        var decoded = new int[count];
        var decoder = new RleBitPackedHybridDecoder(output.WrittenSpan, bitWidth);
        Assert.Equal(count, decoder.Read(decoded));
        Assert.Equal(values, decoded);

        // Independent bit-by-bit reference decoder agrees.
        Assert.Equal(values, ReferenceDecode(output.WrittenSpan.ToArray(), bitWidth, count));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(13)]
    [InlineData(32)]
    public void Decoding_in_small_batches_gives_the_same_values_as_one_call(int bitWidth)
    {
        var random = new Random(bitWidth);
        var values = TestData.LevelsLike(random, 5000, bitWidth, withRuns: true);
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(values, bitWidth, output);

        foreach (var batch in new[] { 1, 3, 7, 8, 9, 31, 100 })
        {
            var decoder = new RleBitPackedHybridDecoder(output.WrittenSpan, bitWidth);
            var decoded = new int[values.Length];
            var total = 0;
            while (total < decoded.Length)
            {
                var n = decoder.Read(decoded.AsSpan(total, Math.Min(batch, decoded.Length - total)));
                Assert.True(n > 0);
                total += n;
            }

            Assert.Equal(values, decoded);
        }
    }

    [Fact]
    public void Spec_example_values_0_to_7_at_width_3_bit_pack_to_88_C6_FA()
    {
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode([0, 1, 2, 3, 4, 5, 6, 7], 3, output);
        Assert.Equal(new byte[] { 0x03, 0x88, 0xC6, 0xFA }, output.WrittenSpan.ToArray());

        var decoded = new int[8];
        Assert.Equal(8, new RleBitPackedHybridDecoder(output.WrittenSpan, 3).Read(decoded));
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, decoded);
    }

    [Fact]
    public void Run_of_100_fours_at_width_3_is_one_RLE_run_C8_01_04()
    {
        var values = Enumerable.Repeat(4, 100).ToArray();
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(values, 3, output);
        Assert.Equal(new byte[] { 0xC8, 0x01, 0x04 }, output.WrittenSpan.ToArray());

        var decoded = new int[100];
        Assert.Equal(100, new RleBitPackedHybridDecoder(output.WrittenSpan, 3).Read(decoded));
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void RLE_value_uses_ceil_width_over_8_little_endian_bytes()
    {
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(Enumerable.Repeat(0x01020304, 10).ToArray(), 25, output);
        Assert.Equal(new byte[] { 0x14, 0x04, 0x03, 0x02, 0x01 }, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Literals_before_a_run_are_completed_to_a_group_of_8_with_values_from_the_run()
    {
        // 3 literals, then 20 × 1: the first group borrows 5 ones, the remaining 15 ones form an RLE run.
        int[] values = [2, 3, 2, .. Enumerable.Repeat(1, 20)];
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(values, 2, output);
        var bytes = output.WrittenSpan.ToArray();
        Assert.Equal(0x03, bytes[0]);          // one bit-packed group
        Assert.Equal(15 << 1, bytes[3]);       // RLE run of 15
        Assert.Equal(1, bytes[4]);
        Assert.Equal(5, bytes.Length);
        var decoded = new int[values.Length];
        new RleBitPackedHybridDecoder(bytes, 2).Read(decoded);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Final_partial_group_is_zero_padded_and_decoder_yields_padding_only_if_asked()
    {
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode([1, 0, 1], 1, output);
        Assert.Equal(new byte[] { 0x03, 0x05 }, output.WrittenSpan.ToArray());
        var decoded = new int[10];
        var decoder = new RleBitPackedHybridDecoder(output.WrittenSpan, 1);
        Assert.Equal(8, decoder.Read(decoded)); // the run holds 8 values; the caller knows only 3 are real
        Assert.Equal(new[] { 1, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, decoded);
    }

    [Fact]
    public void Width_zero_encodes_runs_without_value_bytes()
    {
        var output = TestData.Writer();
        RleBitPackedHybridEncoder.Encode(new int[1000], 0, output);
        Assert.Equal(new byte[] { 0xD0, 0x0F }, output.WrittenSpan.ToArray());
        var decoded = new int[1000];
        decoded.AsSpan().Fill(9);
        Assert.Equal(1000, new RleBitPackedHybridDecoder(output.WrittenSpan, 0).Read(decoded));
        Assert.All(decoded, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Encoder_rejects_values_wider_than_the_bit_width()
    {
        var output = TestData.Writer();
        Assert.Throws<ArgumentOutOfRangeException>(() => RleBitPackedHybridEncoder.Encode([8, 1, 2], 3, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => RleBitPackedHybridEncoder.Encode(Enumerable.Repeat(8, 20).ToArray(), 3, output));
    }

    [Fact]
    public void Decoder_returns_zero_at_end_of_data()
    {
        var decoder = new RleBitPackedHybridDecoder([], 5);
        Assert.Equal(0, decoder.Read(new int[4]));
    }

    [Fact]
    public void Truncated_RLE_value_throws_ParquetFormatException()
    {
        Assert.Throws<ParquetFormatException>(() =>
        {
            var decoder = new RleBitPackedHybridDecoder([0x10, 0x01], 16);
            decoder.Read(new int[8]);
        });
    }

    [Fact]
    public void RLE_value_wider_than_bit_width_throws_ParquetFormatException()
    {
        Assert.Throws<ParquetFormatException>(() =>
        {
            var decoder = new RleBitPackedHybridDecoder([0x10, 0x09], 3);
            decoder.Read(new int[8]);
        });
    }

    [Fact]
    public void Truncated_varint_header_throws_ParquetFormatException()
    {
        Assert.Throws<ParquetFormatException>(() =>
        {
            var decoder = new RleBitPackedHybridDecoder([0x80, 0x80], 3);
            decoder.Read(new int[8]);
        });
    }

    [Fact]
    public void Truncated_bit_packed_run_yields_only_the_values_fully_present()
    {
        // Header says 2 groups at width 4 (8 bytes) but only 5 bytes follow: 10 values are complete.
        byte[] data = [0x05, 0x21, 0x43, 0x65, 0x87, 0xA9];
        var decoded = new int[16];
        var n = new RleBitPackedHybridDecoder(data, 4).Read(decoded);
        Assert.Equal(10, n);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, decoded[..10]);
    }

    /// <summary>Straightforward bit-at-a-time decoder written from the spec, independent of the production code.</summary>
    internal static int[] ReferenceDecode(byte[] data, int bitWidth, int count)
    {
        var result = new List<int>();
        var pos = 0;
        while (result.Count < count)
        {
            uint header = 0;
            var shift = 0;
            byte b;
            do
            {
                b = data[pos++];
                header |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);

            if ((header & 1) == 0)
            {
                uint value = 0;
                for (var i = 0; i < (bitWidth + 7) / 8; i++)
                {
                    value |= (uint)data[pos++] << (8 * i);
                }

                for (var i = 0; i < header >> 1; i++)
                {
                    result.Add((int)value);
                }
            }
            else
            {
                var n = (int)(header >> 1) * 8;
                long bit = (long)pos * 8;
                for (var i = 0; i < n; i++)
                {
                    uint value = 0;
                    for (var k = 0; k < bitWidth; k++, bit++)
                    {
                        value |= (uint)((data[bit >> 3] >> (int)(bit & 7)) & 1) << k;
                    }

                    result.Add((int)value);
                }

                pos += (int)(header >> 1) * bitWidth;
            }
        }

        return result.GetRange(0, count).ToArray();
    }
}
