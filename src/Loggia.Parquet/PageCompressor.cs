using System.Buffers;
using Loggia.Core.Compression;
using Loggia.Parquet.Format;

namespace Loggia.Parquet;

/// <summary>
/// Compresses page bodies with one codec, reusing its context and output buffer across pages.
/// One per writer; not thread-safe.
/// </summary>
internal sealed class PageCompressor : IDisposable
{
    private readonly ZstdCompressor? _zstd;
    private readonly System.IO.Compression.CompressionLevel _gzipLevel;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private byte[] _buffer = [];

    public PageCompressor(CompressionCodec codec, int level)
    {
        Codec = codec;
        if (codec == CompressionCodec.Zstd)
        {
            Zstd.EnsureAvailable();
            _zstd = new ZstdCompressor(level);
        }

        _gzipLevel = level switch
        {
            <= 0 => System.IO.Compression.CompressionLevel.NoCompression,
            <= 3 => System.IO.Compression.CompressionLevel.Fastest,
            <= 7 => System.IO.Compression.CompressionLevel.Optimal,
            _ => System.IO.Compression.CompressionLevel.SmallestSize,
        };
    }

    public CompressionCodec Codec { get; }

    /// <summary>Compresses <paramref name="raw"/>; the result is valid until the next call.</summary>
    public ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> raw)
    {
        switch (Codec)
        {
            case CompressionCodec.Uncompressed:
                return raw;
            case CompressionCodec.Snappy:
                EnsureBuffer(Snappy.GetMaxCompressedLength(raw.Length));
                return _buffer.AsSpan(0, Snappy.Compress(raw, _buffer));
            case CompressionCodec.Zstd:
                EnsureBuffer(ZstdCompressor.GetMaxCompressedLength(raw.Length));
                return _buffer.AsSpan(0, _zstd!.Compress(raw, _buffer));
            case CompressionCodec.Gzip:
                _output.ResetWrittenCount();
                Gzip.Compress(raw, _output, _gzipLevel);
                return _output.WrittenSpan;
            default:
                throw new NotSupportedException($"compression {Codec} is not supported for writing");
        }
    }

    private void EnsureBuffer(int length)
    {
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }
    }

    public void Dispose() => _zstd?.Dispose();
}
