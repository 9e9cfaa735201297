using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class ByteArrayAccumulatorTests
{
    [Fact]
    public void Append_and_Reserve_grow_the_buffer_preserving_content()
    {
        using var accumulator = new ByteArrayAccumulator(4);
        accumulator.Append([1, 2, 3]);
        accumulator.Reserve(1000).Fill(7);
        accumulator.Append([4]);
        Assert.Equal(1004, accumulator.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 7 }, accumulator.WrittenSpan[..4].ToArray());
        Assert.Equal(4, accumulator.WrittenSpan[^1]);
    }

    [Fact]
    public void Clear_keeps_the_buffer_and_Dispose_leaves_a_usable_empty_accumulator()
    {
        var accumulator = new ByteArrayAccumulator(64);
        accumulator.Append(new byte[50]);
        var buffer = accumulator.Data;
        accumulator.Clear();
        Assert.Equal(0, accumulator.Length);
        accumulator.Append(new byte[50]);
        Assert.Same(buffer, accumulator.Data);
        accumulator.Dispose();
        Assert.Equal(0, accumulator.Length);
        accumulator.Append([1]);
        Assert.Equal(1, accumulator.Length);
        accumulator.Dispose();
    }
}
