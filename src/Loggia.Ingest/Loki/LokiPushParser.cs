using System.Buffers;
using Loggia.Core.Compression;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Turns an HTTP push body into a <see cref="PushRequest"/>: removes the Content-Encoding, then dispatches on the
/// Content-Type like Loki's <c>push.ParseLokiRequest</c> — <c>application/json</c> is JSON, anything else
/// (normally <c>application/x-protobuf</c>) is snappy-compressed protobuf.
/// </summary>
/// <remarks>
/// Differences from Loki, all lenient: a missing Content-Type means protobuf (Loki answers 400 "mime: no media
/// type"); <c>Content-Encoding: snappy</c> on a JSON body is honoured when the body is valid raw snappy (Loki ignores
/// the header for JSON and would fail on such a body); <c>deflate</c> accepts zlib-wrapped data too.
/// </remarks>
public static class LokiPushParser
{
    /// <summary>Loki's default <c>distributor.max_recv_msg_size</c>: 100 MiB.</summary>
    public const int DefaultMaxMessageBytes = 100 << 20;

    /// <summary>Parses a Loki push body (<c>POST /loki/api/v1/push</c>).</summary>
    /// <param name="body">The request body as received.</param>
    /// <param name="contentType">The Content-Type header (parameters such as charset are ignored).</param>
    /// <param name="contentEncoding">The Content-Encoding header, or null.</param>
    /// <param name="maxMessageBytes">The largest accepted body, compressed or decompressed.</param>
    /// <exception cref="PushRequestException">The body cannot be decoded (400) or is too large (413).</exception>
    public static PushRequest Parse(ReadOnlySpan<byte> body, string? contentType, string? contentEncoding, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        bool json = IsJson(contentType);
        ContentEncodingKind encoding = PushContentEncoding.Classify(contentEncoding);
        if (body.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(body.Length, maxMessageBytes);
        }

        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> decoded = body;
            if (encoding is ContentEncodingKind.Gzip or ContentEncodingKind.Deflate)
            {
                int length = PushContentEncoding.Inflate(body, encoding, maxMessageBytes, out rented);
                decoded = rented.AsSpan(0, length);
            }
            else if (json && encoding == ContentEncodingKind.Snappy && LooksLikeSnappyJson(body, maxMessageBytes, out rented, out int length))
            {
                decoded = rented!.AsSpan(0, length);
            }

            return json ? LokiJsonDecoder.Decode(decoded) : LokiProtobufDecoder.DecodeSnappy(decoded, maxMessageBytes);
        }
        finally
        {
            if (rented is not null && rented.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses a Loki push body held in a (possibly multi-segment) sequence.</summary>
    /// <inheritdoc cref="Parse(ReadOnlySpan{byte}, string?, string?, int)"/>
    public static PushRequest Parse(in ReadOnlySequence<byte> body, string? contentType, string? contentEncoding, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        return WithContiguous(body, maxMessageBytes, contentType, contentEncoding, static (span, type, enc, max) => Parse(span, type, enc, max));
    }

    /// <summary>Parses a native body (<c>POST /api/v1/logs</c>, see <see cref="NativeLogsDecoder"/>).</summary>
    /// <exception cref="PushRequestException">The body cannot be decoded (400) or is too large (413).</exception>
    public static PushRequest ParseNative(ReadOnlySpan<byte> body, string? contentEncoding, TimeProvider timeProvider, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ContentEncodingKind encoding = PushContentEncoding.Classify(contentEncoding);
        if (body.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(body.Length, maxMessageBytes);
        }

        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> decoded = body;
            if (encoding is ContentEncodingKind.Gzip or ContentEncodingKind.Deflate)
            {
                int length = PushContentEncoding.Inflate(body, encoding, maxMessageBytes, out rented);
                decoded = rented.AsSpan(0, length);
            }
            else if (encoding == ContentEncodingKind.Snappy && LooksLikeSnappyJson(body, maxMessageBytes, out rented, out int length))
            {
                decoded = rented!.AsSpan(0, length);
            }

            return NativeLogsDecoder.Decode(decoded, timeProvider);
        }
        finally
        {
            if (rented is not null && rented.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Whether the Content-Type is JSON (<c>application/json</c>, parameters and case ignored).</summary>
    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        ReadOnlySpan<char> media = contentType.AsSpan();
        int semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }

        return media.Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// For a JSON body labelled snappy: decompresses it when it is valid raw snappy, otherwise leaves it alone (Loki
    /// ignores the header, so plain JSON with <c>Content-Encoding: snappy</c> must keep working).
    /// </summary>
    private static bool LooksLikeSnappyJson(ReadOnlySpan<byte> body, int maxMessageBytes, out byte[]? rented, out int length)
    {
        rented = null;
        length = 0;
        if (!Snappy.TryGetUncompressedLength(body, out int declared))
        {
            return false;
        }

        if (declared > maxMessageBytes)
        {
            // Plain JSON starts with '{' or '[' or whitespace, which read as small varints; a huge declared length
            // means the body is snappy, and too large.
            throw PushContentEncoding.TooLarge(declared, maxMessageBytes);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(declared, 1));
        try
        {
            length = Snappy.Decompress(body, buffer);
            rented = buffer;
            return true;
        }
        catch (InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
    }

    private static PushRequest WithContiguous(
        in ReadOnlySequence<byte> body,
        int maxMessageBytes,
        string? contentType,
        string? contentEncoding,
        Func<ReadOnlySpan<byte>, string?, string?, int, PushRequest> parse)
    {
        if (body.IsSingleSegment)
        {
            return parse(body.FirstSpan, contentType, contentEncoding, maxMessageBytes);
        }

        if (body.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(body.Length, maxMessageBytes);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(buffer);
            return parse(buffer.AsSpan(0, (int)body.Length), contentType, contentEncoding, maxMessageBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
