using System.Buffers.Binary;
using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class PlainTests
{
    public static TheoryData<int> Sizes() => TestData.SizeData();

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Int32_Int64_and_Double_round_trip_as_little_endian_bytes(int count)
    {
        var random = new Random(count);
        var ints = new int[count];
        var longs = new long[count];
        var doubles = new double[count];
        for (var i = 0; i < count; i++)
        {
            ints[i] = random.Next(int.MinValue, int.MaxValue);
            longs[i] = random.NextInt64(long.MinValue, long.MaxValue);
            doubles[i] = i % 5 == 0 ? double.NaN : (random.NextDouble() - 0.5) * 1e300;
        }

        var output = TestData.Writer();
        PlainEncoder.WriteInt32(ints, output);
        PlainEncoder.WriteInt64(longs, output);
        PlainEncoder.WriteDouble(doubles, output);
        var bytes = output.WrittenSpan;
        Assert.Equal(count * 20, bytes.Length);
        if (count > 0)
        {
            Assert.Equal(ints[0], BinaryPrimitives.ReadInt32LittleEndian(bytes));
            Assert.Equal(longs[0], BinaryPrimitives.ReadInt64LittleEndian(bytes[(4 * count)..]));
        }

        var decoder = new PlainDecoder(bytes);
        var ints2 = new int[count];
        var longs2 = new long[count];
        var doubles2 = new double[count];
        Assert.Equal(count, decoder.ReadInt32(ints2));
        Assert.Equal(count, decoder.ReadInt64(longs2));
        Assert.Equal(count, decoder.ReadDouble(doubles2));
        Assert.Equal(ints, ints2);
        Assert.Equal(longs, longs2);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(doubles[i]), BitConverter.DoubleToInt64Bits(doubles2[i]));
        }

        Assert.Equal(0, decoder.ReadInt32(new int[1]));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Booleans_round_trip_bit_packed_lsb_first_across_odd_sized_batches(int count)
    {
        var random = new Random(count);
        var values = new bool[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = random.Next(2) == 1;
        }

        var output = TestData.Writer();
        PlainEncoder.WriteBoolean(values, output);
        Assert.Equal((count + 7) / 8, output.WrittenCount);

        foreach (var batch in new[] { 1, 3, 8, 13, 1000 })
        {
            var decoder = new PlainDecoder(output.WrittenSpan);
            var decoded = new bool[count];
            var total = 0;
            while (total < count)
            {
                var n = decoder.ReadBoolean(decoded.AsSpan(total, Math.Min(batch, count - total)));
                Assert.True(n > 0);
                total += n;
            }

            Assert.Equal(values, decoded);
        }
    }

    [Fact]
    public void Booleans_are_packed_least_significant_bit_first()
    {
        var output = TestData.Writer();
        PlainEncoder.WriteBoolean([true, false, true, true, false, false, false, false, true], output);
        Assert.Equal(new byte[] { 0x0D, 0x01 }, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Boolean_decoder_returns_only_the_bits_present()
    {
        var decoder = new PlainDecoder([0xFF]);
        Assert.Equal(5, decoder.ReadBoolean(new bool[5]));
        Assert.Equal(3, decoder.ReadBoolean(new bool[10]));
        Assert.Equal(0, decoder.ReadBoolean(new bool[10]));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Byte_arrays_round_trip_with_absolute_offsets_across_batches(int count)
    {
        var random = new Random(count);
        var (data, offsets) = TestData.ByteArrays(random, count, 40);
        var output = TestData.Writer();
        PlainEncoder.WriteByteArrays(data, offsets, output);
        Assert.Equal((4 * count) + data.Length, output.WrittenCount);

        using var accumulator = new ByteArrayAccumulator(16);
        accumulator.Append([9, 9, 9]); // pre-existing content: offsets stay absolute
        var decoder = new PlainDecoder(output.WrittenSpan);
        var decodedOffsets = new List<int> { accumulator.Length };
        var batch = new int[8];
        int n;
        while ((n = decoder.ReadByteArrays(batch, accumulator)) > 0)
        {
            Assert.Equal(decodedOffsets[^1], batch[0]);
            for (var k = 1; k <= n; k++)
            {
                decodedOffsets.Add(batch[k]);
            }
        }

        Assert.Equal(count + 1, decodedOffsets.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(
                data.AsSpan(offsets[i], offsets[i + 1] - offsets[i]).ToArray(),
                accumulator.Data.AsSpan(decodedOffsets[i], decodedOffsets[i + 1] - decodedOffsets[i]).ToArray());
        }
    }

    [Fact]
    public void Byte_array_with_length_past_the_end_throws_ParquetFormatException()
    {
        using var accumulator = new ByteArrayAccumulator();
        Assert.Throws<ParquetFormatException>(() => new PlainDecoder([5, 0, 0, 0, 1, 2]).ReadByteArrays(new int[3], accumulator));
        Assert.Throws<ParquetFormatException>(() => new PlainDecoder([0xFF, 0xFF, 0xFF, 0xFF, 1]).ReadByteArrays(new int[3], accumulator));
        Assert.Throws<ParquetFormatException>(() => new PlainDecoder([1, 0]).ReadByteArrays(new int[3], accumulator));
    }

    [Fact]
    public void Fixed_width_decoder_stops_at_the_last_whole_value()
    {
        var decoder = new PlainDecoder([1, 0, 0, 0, 2, 0, 0]);
        var values = new int[4];
        Assert.Equal(1, decoder.ReadInt32(values));
        Assert.Equal(1, values[0]);
    }
}
