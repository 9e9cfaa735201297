using System.Text;
using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class DictionaryTests
{
    [Fact]
    public void ByteArrayDictionary_assigns_dense_indices_in_first_seen_order()
    {
        var dictionary = new ByteArrayDictionary();
        Assert.Equal(0, dictionary.GetOrAdd("GET"u8));
        Assert.Equal(1, dictionary.GetOrAdd("POST"u8));
        Assert.Equal(0, dictionary.GetOrAdd("GET"u8));
        Assert.Equal(2, dictionary.GetOrAdd(""u8));
        Assert.Equal(2, dictionary.GetOrAdd(""u8));
        Assert.Equal(3, dictionary.Count);
        Assert.Equal(7, dictionary.DataBytes);
        Assert.Equal(19, dictionary.PlainEncodedSize);
        Assert.Equal("POST"u8.ToArray(), dictionary[1].ToArray());
    }

    [Fact]
    public void ByteArrayDictionary_handles_many_values_of_all_lengths_and_writes_a_plain_page()
    {
        var dictionary = new ByteArrayDictionary();
        var expected = new List<byte[]>();
        var random = new Random(3);
        for (var i = 0; i < 20000; i++)
        {
            var value = Encoding.UTF8.GetBytes($"service-{i % 7000}-{new string('x', i % 37)}");
            var index = dictionary.GetOrAdd(value);
            if (index == expected.Count)
            {
                expected.Add(value);
            }
            else
            {
                Assert.Equal(expected[index], value);
            }

            // Random binary values including long ones.
            var binary = new byte[random.Next(0, 100)];
            random.NextBytes(binary);
            index = dictionary.GetOrAdd(binary);
            if (index == expected.Count)
            {
                expected.Add(binary);
            }
        }

        Assert.Equal(expected.Count, dictionary.Count);
        var output = TestData.Writer();
        dictionary.WritePlain(output);
        Assert.Equal(dictionary.PlainEncodedSize, output.WrittenCount);

        var decoder = new PlainDecoder(output.WrittenSpan);
        using var accumulator = new ByteArrayAccumulator();
        var offsets = new int[expected.Count + 1];
        Assert.Equal(expected.Count, decoder.ReadByteArrays(offsets, accumulator));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], accumulator.Data.AsSpan(offsets[i], offsets[i + 1] - offsets[i]).ToArray());
        }

        dictionary.Clear();
        Assert.Equal(0, dictionary.Count);
        Assert.Equal(0, dictionary.DataBytes);
        Assert.Equal(0, dictionary.GetOrAdd(expected[5]));
    }

    [Fact]
    public void ByteArrayDictionary_lookup_of_existing_value_does_not_allocate()
    {
        var dictionary = new ByteArrayDictionary();
        var value = "some-log-source-name"u8.ToArray();
        dictionary.GetOrAdd(value);
        dictionary.GetOrAdd(value);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            dictionary.GetOrAdd(value);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void PrimitiveDictionary_of_double_distinguishes_negative_zero_and_NaN_payloads()
    {
        var dictionary = new PrimitiveDictionary<double>();
        var otherNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000001);
        Assert.Equal(0, dictionary.GetOrAdd(0.0));
        Assert.Equal(1, dictionary.GetOrAdd(-0.0));
        Assert.Equal(2, dictionary.GetOrAdd(double.NaN));
        Assert.Equal(3, dictionary.GetOrAdd(otherNaN));
        Assert.Equal(2, dictionary.GetOrAdd(double.NaN));
        Assert.Equal(1, dictionary.GetOrAdd(-0.0));
        Assert.Equal(4, dictionary.Count);
        Assert.Equal(32, dictionary.DataBytes);
    }

    [Fact]
    public void PrimitiveDictionary_of_int_and_long_round_trip_through_plain_page_and_gather()
    {
        var random = new Random(4);
        var ints = new int[50000];
        for (var i = 0; i < ints.Length; i++)
        {
            ints[i] = random.Next(-3000, 3000);
        }

        var dictionary = new PrimitiveDictionary<int>();
        var indices = new int[ints.Length];
        for (var i = 0; i < ints.Length; i++)
        {
            indices[i] = dictionary.GetOrAdd(ints[i]);
        }

        Assert.True(dictionary.Count <= 6000);
        var page = TestData.Writer();
        dictionary.WritePlain(page);
        var dictValues = new int[dictionary.Count];
        new PlainDecoder(page.WrittenSpan).ReadInt32(dictValues);

        // Indices go through RLE/bit-packed like a data page.
        var encodedIndices = TestData.Writer();
        var width = BitWidth.Of((uint)dictionary.Count - 1);
        RleBitPackedHybridEncoder.Encode(indices, width, encodedIndices);
        var decodedIndices = new int[indices.Length];
        new RleBitPackedHybridDecoder(encodedIndices.WrittenSpan, width).Read(decodedIndices);

        var values = new int[ints.Length];
        DictionaryDecoding.Gather<int>(dictValues, decodedIndices, values);
        Assert.Equal(ints, values);

        var longs = new PrimitiveDictionary<long>();
        Assert.Equal(0, longs.GetOrAdd(long.MinValue));
        Assert.Equal(1, longs.GetOrAdd(long.MaxValue));
        Assert.Equal(0, longs.GetOrAdd(long.MinValue));
        longs.Clear();
        Assert.Equal(0, longs.GetOrAdd(long.MaxValue));
    }

    [Fact]
    public void Gather_with_index_out_of_range_throws_ParquetFormatException()
    {
        int[] dictionary = [10, 20, 30];
        Assert.Throws<ParquetFormatException>(() => DictionaryDecoding.Gather<int>(dictionary, [0, 3], new int[2]));
        Assert.Throws<ParquetFormatException>(() => DictionaryDecoding.Gather<int>(dictionary, [-1], new int[1]));
        using var accumulator = new ByteArrayAccumulator();
        Assert.Throws<ParquetFormatException>(() =>
            DictionaryDecoding.GatherByteArrays("ab"u8, [0, 1, 2], [2], new int[2], accumulator));
    }

    [Fact]
    public void GatherByteArrays_appends_values_with_absolute_offsets()
    {
        using var accumulator = new ByteArrayAccumulator();
        accumulator.Append("zz"u8);
        var offsets = new int[5];
        DictionaryDecoding.GatherByteArrays("GETPOSTPUT"u8, [0, 3, 7, 10], [1, 0, 1, 2], offsets, accumulator);
        Assert.Equal(new[] { 2, 6, 9, 13, 16 }, offsets);
        Assert.Equal("zzPOSTGETPOSTPUT"u8.ToArray(), accumulator.WrittenSpan.ToArray());
    }
}
