using System.Buffers;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Turns an OTLP logs export (OTLP/HTTP body or gRPC message) into a <see cref="PushRequest"/>: chooses the encoding
/// from the Content-Type, removes the Content-Encoding (gzip, or deflate), enforces the size limit, and decodes.
/// </summary>
public static class OtlpRequestParser
{
    /// <summary>Media types of OTLP/HTTP: <c>application/x-protobuf</c> or <c>application/json</c> (parameters and case ignored).</summary>
    public static bool TryGetFormat(string? contentType, out OtlpPayloadFormat format)
    {
        format = OtlpPayloadFormat.Protobuf;
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

        media = media.Trim();
        if (media.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (media.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            format = OtlpPayloadFormat.Json;
            return true;
        }

        return false;
    }

    /// <summary>Parses an OTLP/HTTP logs body.</summary>
    /// <param name="body">
    /// The body as received. An uncompressed body is decoded where it is: the request's lines are slices of it, so it
    /// must stay unchanged while the request is used.
    /// </param>
    /// <param name="format">Its encoding (from <see cref="TryGetFormat"/>).</param>
    /// <param name="contentEncoding">The Content-Encoding header, or null.</param>
    /// <param name="maxMessageBytes">The largest accepted body, compressed or decompressed.</param>
    /// <param name="timeProvider">The clock, for records with neither timestamp.</param>
    /// <exception cref="PushRequestException">400 (malformed), 413 (too large) or 415 (unsupported Content-Encoding).</exception>
    public static PushRequest Parse(ReadOnlyMemory<byte> body, OtlpPayloadFormat format, string? contentEncoding, int maxMessageBytes, TimeProvider timeProvider)
    {
        ContentEncodingKind encoding = Classify(contentEncoding);
        if (body.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(body.Length, maxMessageBytes);
        }

        return Decode(body, encoding, maxMessageBytes, message => format == OtlpPayloadFormat.Json
            ? OtlpJsonDecoder.Decode(message, timeProvider)
            : OtlpProtobufDecoder.Decode(message, timeProvider));
    }

    /// <summary>Parses the protobuf message of a gRPC <c>LogsService/Export</c> call, gzip-compressed when <paramref name="gzip"/>.</summary>
    /// <exception cref="PushRequestException">400 (malformed) or 413 (too large).</exception>
    public static PushRequest ParseGrpcMessage(ReadOnlyMemory<byte> message, bool gzip, int maxMessageBytes, TimeProvider timeProvider)
    {
        if (message.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(message.Length, maxMessageBytes);
        }

        return Decode(message, gzip ? ContentEncodingKind.Gzip : ContentEncodingKind.None, maxMessageBytes,
            decoded => OtlpProtobufDecoder.Decode(decoded, timeProvider));
    }

    private static ContentEncodingKind Classify(string? contentEncoding)
    {
        ContentEncodingKind kind;
        try
        {
            kind = PushContentEncoding.Classify(contentEncoding);
        }
        catch (PushRequestException e)
        {
            throw new PushRequestException(415, e.Message, e);
        }

        return kind == ContentEncodingKind.Snappy
            ? throw new PushRequestException(415, "Content-Encoding \"snappy\" not supported for OTLP")
            : kind;
    }

    /// <summary>
    /// Decodes an uncompressed body where it is (the lines are slices of it); a compressed one is inflated into a
    /// pooled buffer the request owns and returns when disposed. Either way no array per request is allocated: a
    /// request of 1,000 records is hundreds of kilobytes, a large-object allocation that soon costs a full collection.
    /// </summary>
    private static PushRequest Decode(ReadOnlyMemory<byte> body, ContentEncodingKind encoding, int maxMessageBytes, Func<ReadOnlyMemory<byte>, PushRequest> decode)
    {
        if (encoding is not (ContentEncodingKind.Gzip or ContentEncodingKind.Deflate))
        {
            return decode(body);
        }

        int length = PushContentEncoding.Inflate(body.Span, encoding, maxMessageBytes, out byte[] rented);
        try
        {
            return decode(rented.AsMemory(0, length)).OwningPooled(rented);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }
}
