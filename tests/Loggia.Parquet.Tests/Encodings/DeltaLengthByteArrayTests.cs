using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class DeltaLengthByteArrayTests
{
    public static TheoryData<int> Sizes() => TestData.SizeData();

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Round_trip_of_random_byte_arrays_is_exact(int count)
    {
        var random = new Random(count);
        var (data, offsets) = TestData.ByteArrays(random, count, 30);
        var output = TestData.Writer();
        DeltaLengthByteArrayEncoder.Encode(data, offsets, output);

        using var accumulator = new ByteArrayAccumulator(0);
        accumulator.Append([1, 2]);
        var decodedOffsets = new int[count + 1];
        Assert.Equal(count, DeltaLengthByteArrayDecoder.Decode(output.WrittenSpan, decodedOffsets, accumulator, out var total));
        Assert.Equal(count, total);
        Assert.Equal(2, decodedOffsets[0]);
        for (var i = 0; i <= count; i++)
        {
            Assert.Equal(offsets[i] + 2, decodedOffsets[i]);
        }

        Assert.Equal(data, accumulator.WrittenSpan[2..].ToArray());
    }

    [Fact]
    public void Layout_is_delta_encoded_lengths_followed_by_concatenated_bytes()
    {
        var data = "HelloWorldFoobarABCDEF"u8.ToArray();
        int[] offsets = [0, 5, 10, 16, 22];
        var output = TestData.Writer();
        DeltaLengthByteArrayEncoder.Encode(data, offsets, output);

        var lengths = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new[] { 5, 5, 6, 6 }, lengths);
        Assert.Equal([.. lengths.WrittenSpan.ToArray(), .. data], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Decoding_fewer_values_than_the_page_holds_returns_the_first_ones()
    {
        var data = "aabbbcccc"u8.ToArray();
        var output = TestData.Writer();
        DeltaLengthByteArrayEncoder.Encode(data, [0, 2, 5, 9], output);
        using var accumulator = new ByteArrayAccumulator();
        var offsets = new int[3];
        Assert.Equal(2, DeltaLengthByteArrayDecoder.Decode(output.WrittenSpan, offsets, accumulator));
        Assert.Equal(new[] { 0, 2, 5 }, offsets);
        Assert.Equal("aabbb"u8.ToArray(), accumulator.WrittenSpan.ToArray());
    }

    [Fact]
    public void Lengths_claiming_more_bytes_than_the_page_holds_throw_ParquetFormatException()
    {
        var data = "aabbbcccc"u8.ToArray();
        var output = TestData.Writer();
        DeltaLengthByteArrayEncoder.Encode(data, [0, 2, 5, 9], output);
        var truncated = output.WrittenSpan[..^1].ToArray();
        using var accumulator = new ByteArrayAccumulator();
        Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArrayDecoder.Decode(truncated, new int[4], accumulator));
        Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArrayDecoder.Decode(truncated, new int[2], accumulator));
    }

    [Fact]
    public void Negative_lengths_throw_ParquetFormatException()
    {
        var lengths = TestData.Writer();
        DeltaBinaryPackedEncoder.Encode(new[] { 3, -1 }, lengths);
        byte[] page = [.. lengths.WrittenSpan.ToArray(), 1, 2, 3, 4, 5];
        using var accumulator = new ByteArrayAccumulator();
        Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArrayDecoder.Decode(page, new int[3], accumulator));
        Assert.Throws<ParquetFormatException>(() => DeltaLengthByteArrayDecoder.Decode(page, new int[2], accumulator));
    }
}
