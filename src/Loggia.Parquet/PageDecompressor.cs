using Loggia.Core.Compression;
using Loggia.Parquet.Format;

namespace Loggia.Parquet;

/// <summary>
/// Decompresses page bodies of any supported codec into caller buffers of the exact uncompressed
/// size, reusing a zstd context. One per reader thread.
/// </summary>
internal sealed class PageDecompressor : IDisposable
{
    private ZstdDecompressor? _zstd;

    /// <summary>Decompresses <paramref name="source"/> into exactly <paramref name="destination"/>.Length bytes.</summary>
    public void Decompress(CompressionCodec codec, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int written;
        try
        {
            switch (codec)
            {
                case CompressionCodec.Uncompressed:
                    if (source.Length != destination.Length)
                    {
                        throw new ParquetFormatException($"uncompressed page is {source.Length} bytes but its header says {destination.Length}");
                    }

                    source.CopyTo(destination);
                    return;
                case CompressionCodec.Snappy:
                    written = Snappy.Decompress(source, destination);
                    break;
                case CompressionCodec.Zstd:
                    _zstd ??= CreateZstd();
                    written = _zstd.Decompress(source, destination);
                    break;
                case CompressionCodec.Gzip:
                    written = Gzip.Decompress(source, destination);
                    break;
                default:
                    throw new ParquetFormatException($"compression codec {codec} is not supported");
            }
        }
        catch (InvalidDataException e)
        {
            throw new ParquetFormatException($"corrupt {codec} page: {e.Message}", e);
        }

        if (written != destination.Length)
        {
            throw new ParquetFormatException($"{codec} page decompressed to {written} bytes but its header says {destination.Length}");
        }
    }

    private static ZstdDecompressor CreateZstd()
    {
        Zstd.EnsureAvailable();
        return new ZstdDecompressor();
    }

    public void Dispose() => _zstd?.Dispose();
}
