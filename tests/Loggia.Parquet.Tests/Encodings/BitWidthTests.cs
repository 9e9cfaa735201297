using Loggia.Parquet.Encodings;

namespace Loggia.Parquet.Tests.Encodings;

public class BitWidthTests
{
    [Theory]
    [InlineData(0u, 0)]
    [InlineData(1u, 1)]
    [InlineData(2u, 2)]
    [InlineData(3u, 2)]
    [InlineData(4u, 3)]
    [InlineData(255u, 8)]
    [InlineData(256u, 9)]
    [InlineData(uint.MaxValue, 32)]
    public void Of_uint_returns_bits_needed(uint value, int expected) => Assert.Equal(expected, BitWidth.Of(value));

    [Theory]
    [InlineData(0ul, 0)]
    [InlineData(1ul, 1)]
    [InlineData(1ul << 40, 41)]
    [InlineData(ulong.MaxValue, 64)]
    public void Of_ulong_returns_bits_needed(ulong value, int expected) => Assert.Equal(expected, BitWidth.Of(value));
}
