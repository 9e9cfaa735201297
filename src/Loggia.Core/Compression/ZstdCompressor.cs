namespace Loggia.Core.Compression;

/// <summary>
/// Compresses buffers into single zstd frames with one reused compression context (<c>ZSTD_CCtx</c>). Every frame
/// carries its content size and zstd's content checksum (4 bytes), which <c>ZSTD_decompress</c> verifies: damaged
/// compressed bytes are detected when they are read rather than decoded into wrong data.
/// </summary>
/// <remarks>
/// Not thread-safe: use one instance per writer (or per thread) and dispose it when done.
/// Requires the system library libzstd.so.1.
/// </remarks>
public sealed class ZstdCompressor : IDisposable
{
    private readonly int _level;
    private nint _context;

    /// <summary>Creates a compressor for <paramref name="level"/> (zstd's range, e.g. 1..22; 3 is zstd's default).</summary>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The level is outside what the library supports.</exception>
    public ZstdCompressor(int level)
    {
        Zstd.EnsureAvailable();
        int min = ZstdNative.MinCLevel();
        int max = ZstdNative.MaxCLevel();
        if (level < min || level > max)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"zstd compression level must be in {min}..{max}");
        }

        _level = level;
        _context = ZstdNative.CreateCCtx();
        if (_context == 0)
        {
            throw new InvalidOperationException("zstd: ZSTD_createCCtx failed");
        }

        // Parameters stick to the context across ZSTD_compress2 calls (each call resets the session only).
        _ = Zstd.Check(ZstdNative.CCtxSetParameter(_context, ZstdNative.ParameterCompressionLevel, level), "setting the level");
        _ = Zstd.Check(ZstdNative.CCtxSetParameter(_context, ZstdNative.ParameterChecksumFlag, 1), "enabling checksums");
    }

    /// <summary>Releases the native context if <see cref="Dispose"/> was not called.</summary>
    ~ZstdCompressor()
    {
        Free();
    }

    /// <summary>The compression level this compressor uses.</summary>
    public int Level => _level;

    /// <summary>The size of destination that always suffices for <paramref name="sourceLength"/> bytes (<c>ZSTD_compressBound</c>).</summary>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or the bound exceeds <see cref="int.MaxValue"/>.</exception>
    public static int GetMaxCompressedLength(int sourceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceLength);
        Zstd.EnsureAvailable();
        // ZSTD_COMPRESSBOUND from zstd.h, the formula ZSTD_compressBound computes: asked once per Parquet page, where
        // two calls into the library each time showed in profiles.
        long bound = sourceLength + (sourceLength >> 8) + (sourceLength < 128 * 1024 ? ((128 * 1024) - sourceLength) >> 11 : 0);
        if (bound > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(sourceLength), sourceLength, "zstd: input too large to compress in one frame");
        }

        return (int)bound;
    }

    /// <summary>Compresses <paramref name="source"/> into one zstd frame (with its content size and checksum) and returns the bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small; <see cref="GetMaxCompressedLength"/> always suffices.</exception>
    /// <exception cref="InvalidDataException">zstd reported another error.</exception>
    public unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        byte scratch = 0;
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            written = ZstdNative.Compress2(
                _context,
                dst == null ? &scratch : dst,
                (nuint)destination.Length,
                src == null ? &scratch : src,
                (nuint)source.Length);
        }

        GC.KeepAlive(this);
        if (ZstdNative.IsError(written) != 0)
        {
            if (ZstdNative.GetErrorCode(written) == ZstdNative.ErrorDstSizeTooSmall)
            {
                throw new ArgumentException(
                    $"zstd: destination of {destination.Length} bytes is too small to compress {source.Length} bytes (use GetMaxCompressedLength)",
                    nameof(destination));
            }

            Zstd.Check(written, "compression");
        }

        return (int)written;
    }

    /// <summary>Frees the native compression context.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        nint context = _context;
        _context = 0;
        if (context != 0)
        {
            _ = ZstdNative.FreeCCtx(context);
        }
    }
}
