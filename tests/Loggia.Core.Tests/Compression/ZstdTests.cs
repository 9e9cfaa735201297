using Loggia.Core.Compression;

namespace Loggia.Core.Tests.Compression;

public sealed class ZstdTests
{
    public static TheoryData<string> Inputs => CodecTestInputs.Names;

    [Fact]
    public void MaxCompressedLength_IsTheLibrarysOwnBound()
    {
        // The bound is computed here (zstd.h's macro) rather than asked of libzstd per page: it must stay the same.
        foreach (var length in new[] { 0, 1, 255, 256, 4096, 65_535, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 1 << 20, 64 << 20, 1_000_003 })
        {
            Assert.Equal((long)ZstdNative.CompressBound((nuint)length), ZstdCompressor.GetMaxCompressedLength(length));
        }
    }

    [Fact]
    public void System_library_is_available()
    {
        Zstd.EnsureAvailable();
        Assert.Matches(@"^1\.\d+\.\d+$", Zstd.Version);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Round_trips(string name)
    {
        byte[] data = CodecTestInputs.Named(name);
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new ZstdDecompressor();
        byte[] compressed = Compress(compressor, data);

        Assert.True(ZstdDecompressor.TryGetFrameContentSize(compressed, out long size));
        Assert.Equal(data.Length, size);
        var output = new byte[data.Length];
        Assert.Equal(data.Length, decompressor.Decompress(compressed, output));
        Assert.True(data.AsSpan().SequenceEqual(output));
    }

    [Fact]
    public void Reuses_contexts_across_calls_and_levels_differ()
    {
        byte[] log = CodecTestInputs.LogText(1 << 20);
        using var fast = new ZstdCompressor(1);
        using var strong = new ZstdCompressor(19);
        using var decompressor = new ZstdDecompressor();
        Assert.Equal(19, strong.Level);
        for (int i = 0; i < 3; i++)
        {
            byte[] a = Compress(fast, log);
            byte[] b = Compress(strong, log);
            Assert.True(b.Length < a.Length, $"level 19 ({b.Length}) should beat level 1 ({a.Length})");
            Assert.True(a.Length < log.Length / 4);
            Assert.Equal(log, Decompress(decompressor, a, log.Length));
            Assert.Equal(log, Decompress(decompressor, b, log.Length));
        }
    }

    [Fact]
    public void Frames_carry_a_content_checksum_so_any_damaged_byte_is_detected()
    {
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new ZstdDecompressor();
        byte[] data = CodecTestInputs.LogText(64 * 1024);
        byte[] compressed = Compress(compressor, data);
        Assert.NotEqual(0, compressed[4] & 0x04); // Frame_Header_Descriptor: Content_Checksum_flag

        // Flip one byte at a time past the frame header: each is an error (a bad block or a checksum mismatch), never wrong data.
        var random = new Random(7);
        for (int i = 0; i < 64; i++)
        {
            byte[] damaged = (byte[])compressed.Clone();
            int at = i < 4 ? compressed.Length - 1 - i : random.Next(6, compressed.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            Assert.Throws<InvalidDataException>(() => decompressor.Decompress(damaged, new byte[data.Length]));
        }
    }

    [Fact]
    public void Decompresses_concatenated_frames()
    {
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new ZstdDecompressor();
        byte[] first = TestData.ReadLog("HDFS");
        byte[] second = TestData.ReadLog("Linux");
        byte[] both = [.. Compress(compressor, first), .. Compress(compressor, second)];
        Assert.Equal([.. first, .. second], Decompress(decompressor, both, first.Length + second.Length));
    }

    [Fact]
    public void Destination_too_small_is_InvalidDataException_with_zstd_message()
    {
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new ZstdDecompressor();
        byte[] compressed = Compress(compressor, CodecTestInputs.Repetitive(10_000));
        var e = Assert.Throws<InvalidDataException>(() => decompressor.Decompress(compressed, new byte[9_999]));
        Assert.Contains("Destination buffer is too small", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_is_InvalidDataException_with_zstd_message()
    {
        using var decompressor = new ZstdDecompressor();
        var e = Assert.Throws<InvalidDataException>(() => decompressor.Decompress("not zstd at all"u8, new byte[100]));
        Assert.StartsWith("zstd: decompression failed: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("frame", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Frame_content_size_is_unknown_for_garbage()
    {
        Assert.False(ZstdDecompressor.TryGetFrameContentSize("nope"u8, out _));
        Assert.False(ZstdDecompressor.TryGetFrameContentSize([], out _));
    }

    [Fact]
    public void Compress_into_too_small_destination_is_ArgumentException()
    {
        using var compressor = new ZstdCompressor(3);
        byte[] random = CodecTestInputs.Random(10_000, 4);
        Assert.Throws<ArgumentException>(() => compressor.Compress(random, new byte[100]));
    }

    [Fact]
    public void Max_compressed_length_is_zstd_compress_bound()
    {
        Assert.True(ZstdCompressor.GetMaxCompressedLength(0) > 0);
        int n = CodecTestInputs.FourMegabytes;
        Assert.InRange(ZstdCompressor.GetMaxCompressedLength(n), n, n + (n / 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => ZstdCompressor.GetMaxCompressedLength(-1));
    }

    [Fact]
    public void Level_out_of_range_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZstdCompressor(1000));
    }

    [Fact]
    public void Use_after_dispose_throws_and_double_dispose_is_harmless()
    {
        var compressor = new ZstdCompressor(3);
        var decompressor = new ZstdDecompressor();
        compressor.Dispose();
        compressor.Dispose();
        decompressor.Dispose();
        decompressor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => compressor.Compress([1, 2, 3], new byte[100]));
        Assert.Throws<ObjectDisposedException>(() => decompressor.Decompress([1, 2, 3], new byte[100]));
    }

    [Fact]
    public void Corrupted_input_raises_only_InvalidDataException()
    {
        byte[] data = TestData.ReadLog("Apache").AsSpan(0, 3000).ToArray();
        using var compressor = new ZstdCompressor(3);
        using var decompressor = new ZstdDecompressor();
        byte[] compressed = Compress(compressor, data);
        CodecTestInputs.AssertOnlyInvalidData(
            compressed,
            input => decompressor.Decompress(input, new byte[data.Length * 2]),
            mutations: 5000,
            seed: 23);
    }

    private static byte[] Compress(ZstdCompressor compressor, byte[] data)
    {
        var destination = new byte[ZstdCompressor.GetMaxCompressedLength(data.Length)];
        int written = compressor.Compress(data, destination);
        return destination.AsSpan(0, written).ToArray();
    }

    private static byte[] Decompress(ZstdDecompressor decompressor, byte[] compressed, int length)
    {
        var output = new byte[length];
        Assert.Equal(length, decompressor.Decompress(compressed, output));
        return output;
    }
}
