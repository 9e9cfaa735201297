namespace Loggia.Core.Compression;

/// <summary>
/// Decompresses zstd data (one or more concatenated frames) with one reused decompression context (<c>ZSTD_DCtx</c>).
/// </summary>
/// <remarks>
/// Not thread-safe: use one instance per reader (or per thread) and dispose it when done.
/// Requires the system library libzstd.so.1.
/// </remarks>
public sealed class ZstdDecompressor : IDisposable
{
    private nint _context;

    /// <summary>Creates a decompressor.</summary>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    public ZstdDecompressor()
    {
        Zstd.EnsureAvailable();
        _context = ZstdNative.CreateDCtx();
        if (_context == 0)
        {
            throw new InvalidOperationException("zstd: ZSTD_createDCtx failed");
        }
    }

    /// <summary>Releases the native context if <see cref="Dispose"/> was not called.</summary>
    ~ZstdDecompressor()
    {
        Free();
    }

    /// <summary>
    /// Reads the decompressed size recorded in the header of the first frame of <paramref name="source"/>.
    /// </summary>
    /// <returns><see langword="false"/> when the header is invalid or truncated, or the frame does not record its size.</returns>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    public static unsafe bool TryGetFrameContentSize(ReadOnlySpan<byte> source, out long size)
    {
        Zstd.EnsureAvailable();
        ulong result;
        byte scratch = 0;
        fixed (byte* src = source)
        {
            result = ZstdNative.GetFrameContentSize(src == null ? &scratch : src, (nuint)source.Length);
        }

        if (result is ZstdNative.ContentSizeError or ZstdNative.ContentSizeUnknown || result > long.MaxValue)
        {
            size = 0;
            return false;
        }

        size = (long)result;
        return true;
    }

    /// <summary>Decompresses <paramref name="source"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="InvalidDataException">
    /// The data is not valid zstd, is truncated, or decompresses to more than <paramref name="destination"/> holds
    /// (the message is zstd's).
    /// </exception>
    public unsafe int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_context == 0, this);
        byte scratch = 0;
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            written = ZstdNative.DecompressDCtx(
                _context,
                dst == null ? &scratch : dst,
                (nuint)destination.Length,
                src == null ? &scratch : src,
                (nuint)source.Length);
        }

        GC.KeepAlive(this);
        return (int)Zstd.Check(written, "decompression");
    }

    /// <summary>Frees the native decompression context.</summary>
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
            _ = ZstdNative.FreeDCtx(context);
        }
    }
}
