using Loggia.Core.IO;

namespace Loggia.Core.Tests.IO;

/// <summary>The one LEB128 of Loggia's formats: sidecars, term segments, WAL records and Parquet pages read what it writes.</summary>
public sealed class Leb128Tests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(128UL, new byte[] { 0x80, 0x01 })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Encodings_AreTheStandardOnes(ulong value, byte[] expected)
    {
        var buffer = new byte[Leb128.MaxBytes];
        var written = Leb128.Write(buffer, value);
        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(expected.Length, Leb128.Length(value));
        var position = 0;
        Assert.Equal(Leb128Status.Done, Leb128.TryRead(expected, ref position, out var read));
        Assert.Equal((value, expected.Length), (read, position));
    }

    [Fact]
    public void RandomValues_RoundTrip_AndLengthMatchesWhatIsWritten()
    {
        var random = new Random(128);
        var buffer = new byte[Leb128.MaxBytes];
        for (var i = 0; i < 10_000; i++)
        {
            var value = (ulong)random.NextInt64() >> random.Next(64);
            var written = Leb128.Write(buffer, value);
            Assert.Equal(written, Leb128.Length(value));
            var position = 0;
            Assert.Equal(Leb128Status.Done, Leb128.TryRead(buffer, ref position, out var read));
            Assert.Equal(value, read);
        }
    }

    [Fact]
    public void TruncatedAndOverlongInput_AreReported_AndThePositionStays()
    {
        var position = 1;
        Assert.Equal(Leb128Status.Truncated, Leb128.TryRead([0x00, 0x80, 0x80], ref position, out _));
        Assert.Equal(1, position);
        position = 0;
        Assert.Equal(Leb128Status.Overflow, Leb128.TryRead([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], ref position, out _));
        Assert.Equal(Leb128Status.Overflow, Leb128.TryRead([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], ref position, out _));
        Assert.Equal(0, position);
    }
}
