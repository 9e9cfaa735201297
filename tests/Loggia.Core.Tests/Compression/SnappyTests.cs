using System.Text;
using Loggia.Core.Compression;

namespace Loggia.Core.Tests.Compression;

public sealed class SnappyTests
{
    public static TheoryData<string> Inputs => CodecTestInputs.Names;

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Round_trips(string name)
    {
        byte[] data = CodecTestInputs.Named(name);
        byte[] compressed = Compress(data);

        Assert.True(compressed.Length <= Snappy.GetMaxCompressedLength(data.Length));
        Assert.True(Snappy.TryGetUncompressedLength(compressed, out int length));
        Assert.Equal(data.Length, length);
        var output = new byte[length];
        Assert.Equal(data.Length, Snappy.Decompress(compressed, output));
        Assert.True(data.AsSpan().SequenceEqual(output));
    }

    [Fact]
    public void Compresses_repetitive_and_log_data_and_bounds_incompressible_data()
    {
        Assert.True(Compress(CodecTestInputs.Repetitive(100_000)).Length < 6_000);
        Assert.True(Compress(new byte[CodecTestInputs.FourMegabytes]).Length < 250_000);

        byte[] log = TestData.ReadLog("HDFS");
        Assert.True(Compress(log).Length < log.Length / 2, "HDFS log should compress at least 2:1");

        byte[] random = CodecTestInputs.Random(CodecTestInputs.FourMegabytes, 3);
        Assert.True(Compress(random).Length <= random.Length + (random.Length / 1000) + 32);
    }

    [Fact]
    public void Uses_four_byte_offsets_for_matches_beyond_64_KiB()
    {
        // Random 100 KiB blocks repeated: the only matches are 100 KiB back, so they need 4-byte-offset copies.
        byte[] data = CodecTestInputs.FarRepeats(1_000_000);
        byte[] compressed = Compress(data);
        Assert.True(compressed.Length < 200_000, $"compressed to {compressed.Length}");
        Assert.Equal(data, Decompress(compressed));
    }

    [Fact]
    public void Worst_case_output_fits_the_documented_bound()
    {
        // Alternating short matches and literals, at distances needing every offset size.
        var random = new Random(11);
        var data = new byte[300_000];
        random.NextBytes(data);
        for (int i = 70_000; i + 16 < data.Length; i += 9 + random.Next(5))
        {
            int back = random.Next(3) switch { 0 => 1 + random.Next(2000), 1 => 2048 + random.Next(60_000), _ => 66_000 + random.Next(4000) };
            data.AsSpan(i - back, 4 + random.Next(6)).CopyTo(data.AsSpan(i));
        }

        byte[] destination = new byte[Snappy.GetMaxCompressedLength(data.Length)];
        int written = Snappy.Compress(data, destination);
        Assert.True(written <= destination.Length);
        Assert.Equal(data, Decompress(destination.AsSpan(0, written).ToArray()));
    }

    [Fact]
    public void Short_input_is_one_literal()
    {
        byte[] compressed = Compress("Hello"u8.ToArray());
        Assert.Equal(new byte[] { 0x05, 0x10, (byte)'H', (byte)'e', (byte)'l', (byte)'l', (byte)'o' }, compressed);
    }

    [Fact]
    public void Empty_input_is_a_zero_length_varint()
    {
        Assert.Equal(new byte[] { 0x00 }, Compress([]));
        Assert.Equal(0, Snappy.Decompress([0x00], []));
    }

    [Fact]
    public void Decodes_literal_only_block()
    {
        byte[] block = [0x05, 0x10, .. "Hello"u8];
        Assert.Equal("Hello", Encoding.ASCII.GetString(Decompress(block)));
    }

    [Fact]
    public void Decodes_literal_with_one_byte_extended_length()
    {
        byte[] text = Enumerable.Range(0, 100).Select(i => (byte)('a' + (i % 26))).ToArray();
        byte[] block = [100, 60 << 2, 99, .. text];
        Assert.Equal(text, Decompress(block));
    }

    [Fact]
    public void Decodes_literal_with_two_byte_extended_length()
    {
        byte[] text = CodecTestInputs.Random(1000, 5);
        byte[] block = [0xE8, 0x07, 61 << 2, 0xE7, 0x03, .. text]; // varint 1000, literal length 999+1
        Assert.Equal(text, Decompress(block));
    }

    [Fact]
    public void Decodes_overlapping_one_byte_offset_copy()
    {
        // "abcd" then copy length 8 at offset 4 (tag 0b000_100_01 = 0x11): overlaps its own output.
        byte[] block = [0x0C, 0x0C, .. "abcd"u8, 0x11, 0x04];
        Assert.Equal("abcdabcdabcd", Encoding.ASCII.GetString(Decompress(block)));
    }

    [Fact]
    public void Decodes_two_byte_offset_copy_wikipedia_style()
    {
        const string first = "Wikipedia, the free encyclopedia. ";
        const string expected = first + "Wikipedia, the free encyclopedia!";
        Assert.Equal(34, first.Length);
        Assert.Equal(67, expected.Length);

        // varint 67; literal of 34 (tag 33<<2); copy-2 length 32 offset 34 (tag 31<<2|2); literal "!".
        byte[] block = [0x43, 33 << 2, .. Encoding.ASCII.GetBytes(first), (31 << 2) | 2, 34, 0, 0x00, (byte)'!'];
        Assert.Equal(expected, Encoding.ASCII.GetString(Decompress(block)));

        // Our compressor reads its own encoding of the same text back.
        Assert.Equal(expected, Encoding.ASCII.GetString(Decompress(Compress(Encoding.ASCII.GetBytes(expected)))));
    }

    [Fact]
    public void Decodes_four_byte_offset_copy()
    {
        // "abcdefgh" then copy-4 of length 8 at offset 8 (tag 7<<2|3 = 0x1F).
        byte[] block = [0x10, 0x1C, .. "abcdefgh"u8, 0x1F, 0x08, 0x00, 0x00, 0x00];
        Assert.Equal("abcdefghabcdefgh", Encoding.ASCII.GetString(Decompress(block)));
    }

    [Fact]
    public void Decodes_run_length_copy_with_offset_one()
    {
        // "a" then copy-2 of 64 at offset 1: 65 'a's.
        byte[] block = [0x41, 0x00, (byte)'a', 0xFE, 0x01, 0x00];
        Assert.Equal(new string('a', 65), Encoding.ASCII.GetString(Decompress(block)));
    }

    [Theory]
    [InlineData(new byte[] { 0x04, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01, 0x00 }, "offset 0")]
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01, 0x05 }, "before the start")]
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x1E, 0x05, 0x00 }, "before the start")]
    [InlineData(new byte[] { 0x08, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x1F, 0x04, 0x00, 0x00, 0x80 }, "before the start")]
    [InlineData(new byte[] { 0x05, 0x10, 0x48, 0x65 }, "past the end of the input")]
    [InlineData(new byte[] { 0x05, 0xF0 }, "past the end of the input")]
    [InlineData(new byte[] { 0x06, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01 }, "past the end of the input")]
    [InlineData(new byte[] { 0x06, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x02, 0x04 }, "past the end of the input")]
    [InlineData(new byte[] { 0x02, 0x10, 0x48, 0x65, 0x6C, 0x6C, 0x6F }, "overruns the declared length")]
    [InlineData(new byte[] { 0x06, 0x0C, 0x61, 0x62, 0x63, 0x64, 0x01, 0x04 }, "overruns the declared length")]
    [InlineData(new byte[] { 0x09, 0x10, 0x48, 0x65, 0x6C, 0x6C, 0x6F }, "decodes to 5")]
    [InlineData(new byte[] { }, "varint")]
    [InlineData(new byte[] { 0x80 }, "varint")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "varint")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "varint")]
    public void Rejects_malformed_block(byte[] block, string expectedMessagePart)
    {
        var e = Assert.Throws<InvalidDataException>(() => Snappy.Decompress(block, new byte[16]));
        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_destination_smaller_than_declared_length_without_writing()
    {
        byte[] compressed = Compress(CodecTestInputs.Repetitive(1000));
        var destination = new byte[999];
        var e = Assert.Throws<InvalidDataException>(() => Snappy.Decompress(compressed, destination));
        Assert.Contains("exceeds the destination", e.Message, StringComparison.Ordinal);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Accepts_larger_destination_and_writes_only_the_uncompressed_length()
    {
        byte[] compressed = Compress("Hello"u8.ToArray());
        byte[] destination = Enumerable.Repeat((byte)0xEE, 10).ToArray();
        Assert.Equal(5, Snappy.Decompress(compressed, destination));
        Assert.Equal([.. "Hello"u8, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE], destination);
    }

    [Fact]
    public void Compress_requires_the_maximum_compressed_length()
    {
        byte[] data = CodecTestInputs.Repetitive(1000);
        Assert.Throws<ArgumentException>(() => Snappy.Compress(data, new byte[Snappy.GetMaxCompressedLength(data.Length) - 1]));
    }

    [Fact]
    public void Max_compressed_length_follows_the_formula()
    {
        Assert.Equal(32, Snappy.GetMaxCompressedLength(0));
        Assert.Equal(32 + 600 + 100, Snappy.GetMaxCompressedLength(600));
        Assert.Throws<ArgumentOutOfRangeException>(() => Snappy.GetMaxCompressedLength(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Snappy.GetMaxCompressedLength(int.MaxValue));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0)]
    [InlineData(new byte[] { 0x7F }, 127)]
    [InlineData(new byte[] { 0x80, 0x01 }, 128)]
    [InlineData(new byte[] { 0xFE, 0xFF, 0x7F }, 2_097_150)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }, int.MaxValue)]
    public void Reads_uncompressed_length_varint(byte[] block, int expected)
    {
        Assert.True(Snappy.TryGetUncompressedLength(block, out int length));
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x08 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Rejects_bad_uncompressed_length_varint(byte[] block)
    {
        Assert.False(Snappy.TryGetUncompressedLength(block, out _));
    }

    [Fact]
    public void Corrupted_input_raises_only_InvalidDataException()
    {
        byte[] data = TestData.ReadLog("Apache").AsSpan(0, 3000).ToArray();
        byte[] compressed = Compress(data);
        CodecTestInputs.AssertOnlyInvalidData(compressed, DecodeAnything, mutations: 5000, seed: 17);

        // Far matches (4-byte offsets) and long literals too.
        byte[] far = CodecTestInputs.FarRepeats(210_000);
        byte[] farCompressed = Compress(far);
        var random = new Random(3);
        for (int i = 0; i < 300; i++)
        {
            byte[] mutated = (byte[])farCompressed.Clone();
            mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                DecodeAnything(mutated);
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void Is_safe_to_use_from_many_threads()
    {
        byte[][] inputs = [.. Enumerable.Range(0, 8).Select(i => CodecTestInputs.LogText(200_000 + (i * 1000)))];
        Parallel.For(0, 64, i =>
        {
            byte[] data = inputs[i % inputs.Length];
            Assert.Equal(data, Decompress(Compress(data)));
        });
    }

    private static void DecodeAnything(byte[] input)
    {
        int length = Snappy.TryGetUncompressedLength(input, out int l) && l <= (1 << 20) ? l : 1024;
        Snappy.Decompress(input, new byte[length]);
    }

    private static byte[] Compress(byte[] data)
    {
        var destination = new byte[Snappy.GetMaxCompressedLength(data.Length)];
        int written = Snappy.Compress(data, destination);
        return destination.AsSpan(0, written).ToArray();
    }

    private static byte[] Decompress(byte[] compressed)
    {
        Assert.True(Snappy.TryGetUncompressedLength(compressed, out int length));
        var output = new byte[length];
        Assert.Equal(length, Snappy.Decompress(compressed, output));
        return output;
    }
}
