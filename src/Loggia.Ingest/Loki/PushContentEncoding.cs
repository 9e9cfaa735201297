using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Loggia.Core.Compression;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Undoes the HTTP <c>Content-Encoding</c> of a push body, as Loki's <c>push.ParseLokiRequest</c> does: none,
/// <c>gzip</c>, <c>deflate</c>, and <c>snappy</c> (which Loki treats as "no transport encoding": the protobuf
/// decoder snappy-decodes the body in every case). Anything else is a 400 <c>Content-Encoding "x" not supported</c>.
/// </summary>
/// <remarks>
/// <para>
/// <c>deflate</c>: Loki reads raw DEFLATE (RFC 1951, Go's <c>compress/flate</c>), while RFC 9110 says the HTTP
/// <c>deflate</c> coding is zlib-wrapped (RFC 1950). Both are accepted: a body starting with a valid zlib header is
/// read as zlib, anything else as raw DEFLATE.
/// </para>
/// <para>
/// The decompressed size is limited (Loki's <c>distributor.max_recv_msg_size</c>, 100 MiB by default); past the
/// limit decoding stops and the request fails with 413, so a compression bomb costs at most the limit in memory.
/// </para>
/// <para>
/// A gzip or zlib body must end with its trailer matching the decoded data, otherwise it is a 400 (<c>unexpected
/// EOF</c>, as Go's readers say): <see cref="GZipStream"/> ends quietly where a truncated body ends. Raw DEFLATE has
/// no trailer, so a truncated raw DEFLATE body cannot be told from a complete one.
/// </para>
/// </remarks>
internal static class PushContentEncoding
{
    /// <summary>Returns the encoding kind, or throws 400 for an unsupported one.</summary>
    public static ContentEncodingKind Classify(string? contentEncoding)
    {
        // Loki compares the header exactly; "identity" is accepted as well because it means "none" in HTTP.
        return contentEncoding switch
        {
            null or "" or "identity" => ContentEncodingKind.None,
            "snappy" => ContentEncodingKind.Snappy,
            "gzip" or "x-gzip" => ContentEncodingKind.Gzip,
            "deflate" => ContentEncodingKind.Deflate,
            _ => throw new PushRequestException(400, $"Content-Encoding \"{contentEncoding}\" not supported"),
        };
    }

    /// <summary>
    /// Decompresses a gzip or deflate body into a rented buffer (returned through <paramref name="rented"/>; the
    /// caller returns it to <see cref="ArrayPool{T}.Shared"/>) and returns the decoded length.
    /// </summary>
    public static unsafe int Inflate(ReadOnlySpan<byte> body, ContentEncodingKind kind, int maxBytes, out byte[] rented)
    {
        string name = kind == ContentEncodingKind.Gzip ? "gzip" : "deflate";
        if (body.IsEmpty)
        {
            throw new PushRequestException(400, $"{name}: unexpected EOF");
        }

        if (kind == ContentEncodingKind.Gzip && (body.Length < 2 || body[0] != 0x1F || body[1] != 0x8B))
        {
            throw new PushRequestException(400, "gzip: invalid header");
        }

        // Guess a decompressed size; the buffer grows by doubling up to the limit plus one byte, which is how an
        // over-limit body is detected without reading all of it.
        long guess = Math.Clamp((long)body.Length * 4, 4096, (long)maxBytes + 1);
        rented = ArrayPool<byte>.Shared.Rent((int)guess);
        int length = 0;
        try
        {
            fixed (byte* source = body)
            {
                using var input = new UnmanagedMemoryStream(source, body.Length);
                using Stream decoder = kind == ContentEncodingKind.Gzip
                    ? new GZipStream(input, CompressionMode.Decompress)
                    : IsZlibHeader(body) ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress);
                while (true)
                {
                    if (length == rented.Length)
                    {
                        if (length > maxBytes)
                        {
                            throw TooLarge(length, maxBytes);
                        }

                        int grown = (int)Math.Min((long)rented.Length * 2, (long)maxBytes + 1);
                        byte[] bigger = ArrayPool<byte>.Shared.Rent(grown);
                        rented.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(rented);
                        rented = bigger;
                    }

                    int read = decoder.Read(rented, length, Math.Min(rented.Length, maxBytes + 1) - length);
                    if (read == 0)
                    {
                        break;
                    }

                    length += read;
                    if (length > maxBytes)
                    {
                        throw TooLarge(length, maxBytes);
                    }
                }
            }

            // The decoders end quietly where the input ends, so a body cut short would lose its tail unnoticed: the
            // gzip trailer (CRC-32 and size) and the zlib trailer (Adler-32) prove the data is complete.
            if (kind == ContentEncodingKind.Gzip && !Gzip.EndsWithTrailerOf(body, rented.AsSpan(0, length)))
            {
                throw new PushRequestException(400, "gzip: unexpected EOF (the body is truncated or its trailer does not match the data)");
            }

            if (kind == ContentEncodingKind.Deflate && IsZlibHeader(body)
                && (body.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(body[^4..]) != Adler32.Compute(rented.AsSpan(0, length))))
            {
                throw new PushRequestException(400, "zlib: unexpected EOF (the body is truncated or its checksum does not match the data)");
            }

            return length;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // InvalidDataException for corrupt data, ZLibException (an IOException) for some zlib failures.
            ArrayPool<byte>.Shared.Return(rented);
            rented = [];
            throw new PushRequestException(400, $"{name}: invalid compressed data: {ex.Message}", ex);
        }
        catch (PushRequestException)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = [];
            throw;
        }
    }

    /// <summary>The error for a body whose decoded size exceeds the limit (Loki's message format, status 413).</summary>
    public static PushRequestException TooLarge(long size, int maxBytes) =>
        new(413, string.Create(CultureInfo.InvariantCulture, $"received message larger than max ({size} vs {maxBytes})"));

    private static bool IsZlibHeader(ReadOnlySpan<byte> body)
    {
        // RFC 1950: CM = 8 (deflate), CINFO <= 7, and the 16-bit header is a multiple of 31.
        return body.Length >= 2 && (body[0] & 0x0F) == 8 && (body[0] >> 4) <= 7 && ((body[0] << 8) | body[1]) % 31 == 0;
    }
}

/// <summary>The transport encodings a push body may have.</summary>
internal enum ContentEncodingKind
{
    None,
    Snappy,
    Gzip,
    Deflate,
}
