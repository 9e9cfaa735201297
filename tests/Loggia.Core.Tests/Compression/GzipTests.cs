using System.Buffers;
using System.IO.Compression;
using Loggia.Core.Compression;

namespace Loggia.Core.Tests.Compression;

public sealed class GzipTests
{
    public static TheoryData<string> Inputs => CodecTestInputs.Names;

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Round_trips(string name)
    {
        byte[] data = CodecTestInputs.Named(name);
        byte[] compressed = Compress(data);
        Assert.Equal(0x1F, compressed[0]);
        Assert.Equal(0x8B, compressed[1]);

        var output = new byte[data.Length];
        Assert.Equal(data.Length, Gzip.Decompress(compressed, output));
        Assert.True(data.AsSpan().SequenceEqual(output));
    }

    [Fact]
    public void Output_is_readable_by_GZipStream_and_levels_are_honoured()
    {
        byte[] log = CodecTestInputs.LogText(1 << 20);
        byte[] fastest = Compress(log, CompressionLevel.Fastest);
        byte[] smallest = Compress(log, CompressionLevel.SmallestSize);
        Assert.True(smallest.Length < fastest.Length);

        using var input = new MemoryStream(fastest);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        Assert.Equal(log, output.ToArray());
    }

    [Fact]
    public void Decompresses_data_written_by_GZipStream()
    {
        byte[] log = TestData.ReadLog("Linux");
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(log);
        }

        var output = new byte[log.Length];
        Assert.Equal(log.Length, Gzip.Decompress(buffer.ToArray(), output));
        Assert.Equal(log, output);
    }

    [Fact]
    public void Appends_to_the_buffer_writer_and_decompresses_concatenated_members()
    {
        byte[] first = TestData.ReadLog("HDFS");
        byte[] second = TestData.ReadLog("Linux");
        var writer = new ArrayBufferWriter<byte>();
        Gzip.Compress(first, writer);
        int firstLength = writer.WrittenCount;
        Gzip.Compress(second, writer);
        Assert.True(writer.WrittenCount > firstLength);

        var output = new byte[first.Length + second.Length];
        Assert.Equal(output.Length, Gzip.Decompress(writer.WrittenSpan, output));
        Assert.Equal([.. first, .. second], output);
    }

    [Fact]
    public void Output_larger_than_destination_is_InvalidDataException_and_nothing_is_written_past_it()
    {
        byte[] data = CodecTestInputs.Repetitive(10_000);
        byte[] compressed = Compress(data);
        byte[] buffer = Enumerable.Repeat((byte)0xEE, 10_100).ToArray();

        var e = Assert.Throws<InvalidDataException>(() => Gzip.Decompress(compressed, buffer.AsSpan(0, 9_999)));
        Assert.Contains("exceeds the destination", e.Message, StringComparison.Ordinal);
        Assert.All(buffer.AsSpan(9_999).ToArray(), b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Truncated_member_is_InvalidDataException()
    {
        byte[] data = TestData.ReadLog("HDFS");
        byte[] compressed = Compress(data);
        foreach (int cut in new[] { 5, 10, 20, compressed.Length / 2, compressed.Length - 8, compressed.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => Gzip.Decompress(compressed.AsSpan(0, cut), new byte[data.Length]));
        }
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Garbage_is_InvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => Gzip.Decompress("definitely not gzip data"u8, new byte[100]));
        Assert.Throws<InvalidDataException>(() => Gzip.Decompress([], new byte[100]));
    }

    [Fact]
    public void Corrupted_input_raises_only_InvalidDataException()
    {
        byte[] data = TestData.ReadLog("Apache").AsSpan(0, 3000).ToArray();
        byte[] compressed = Compress(data);
        CodecTestInputs.AssertOnlyInvalidData(
            compressed,
            input => Gzip.Decompress(input, new byte[data.Length * 2]),
            mutations: 5000,
            seed: 29);
    }

    private static byte[] Compress(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        var writer = new ArrayBufferWriter<byte>();
        Gzip.Compress(data, writer, level);
        return writer.WrittenSpan.ToArray();
    }
}
