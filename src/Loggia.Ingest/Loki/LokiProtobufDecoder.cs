using System.Buffers;
using System.Globalization;
using System.Text;
using Loggia.Core.Compression;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Decodes Loki's protobuf push body (<c>logproto.PushRequest</c> from <c>pkg/push/push.proto</c>), raw-snappy
/// compressed as every Loki client sends it.
/// </summary>
/// <remarks>
/// <para>Fields read (all others are skipped, as protobuf requires):</para>
/// <code>
/// PushRequest      { repeated StreamAdapter streams = 1; string format = 2 (ignored); }
/// StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3 (ignored); }
/// EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2;
///                    repeated LabelPairAdapter structuredMetadata = 3; repeated LabelPairAdapter parsed = 4 (ignored); }
/// LabelPairAdapter { string name = 1; string value = 2; }
/// Timestamp        { int64 seconds = 1; int32 nanos = 2; }
/// </code>
/// <para>
/// The decompressed message is one new array owned by the result: every line is a slice of it, so decoding
/// allocates nothing per line. Strings are not checked for UTF-8, like gogo/protobuf; invalid bytes in label and
/// metadata strings become U+FFFD, lines keep their bytes.
/// </para>
/// </remarks>
public static class LokiProtobufDecoder
{
    /// <summary>Decodes a raw-snappy-compressed <c>PushRequest</c>.</summary>
    /// <param name="body">The body after any Content-Encoding was removed.</param>
    /// <param name="maxMessageBytes">The largest accepted compressed or decompressed size.</param>
    /// <exception cref="PushRequestException">The body is not valid snappy or protobuf (400) or too large (413).</exception>
    public static PushRequest DecodeSnappy(ReadOnlySpan<byte> body, int maxMessageBytes)
    {
        if (body.Length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(body.Length, maxMessageBytes);
        }

        if (!Snappy.TryGetUncompressedLength(body, out int length))
        {
            throw new PushRequestException(400, "snappy: corrupt input");
        }

        if (length > maxMessageBytes)
        {
            throw PushContentEncoding.TooLarge(length, maxMessageBytes);
        }

        // Pooled: the request owns it and returns it when disposed (a request of 1,000 lines is hundreds of kilobytes,
        // so an array per request would be a large-object allocation and soon a full garbage collection).
        byte[] message = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            try
            {
                Snappy.Decompress(body, message.AsSpan(0, length));
            }
            catch (InvalidDataException ex)
            {
                throw new PushRequestException(400, "snappy: corrupt input", ex);
            }

            return DecodeMessage(message.AsMemory(0, length)).OwningPooled(message);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(message);
            throw;
        }
    }

    /// <summary>
    /// Decodes an uncompressed <c>PushRequest</c> message (the gRPC push path). Lines are slices of
    /// <paramref name="message"/>, which must not be modified afterwards.
    /// </summary>
    /// <exception cref="PushRequestException">The message is not a valid <c>PushRequest</c> (400).</exception>
    public static PushRequest DecodeMessage(ReadOnlyMemory<byte> message)
    {
        var reader = new ProtoReader(message.Span);
        var streams = new List<PushStream>();
        var metadataScratch = new List<LabelPair>();
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("PushRequest", out int wireType);
            if (field == 1)
            {
                if (wireType != ProtoReader.WireLengthDelimited)
                {
                    throw ProtoReader.WrongWireType(wireType, "Streams");
                }

                ReadOnlySpan<byte> stream = reader.ReadLengthDelimited(out int start);
                streams.Add(ReadStream(message.Slice(start, stream.Length), metadataScratch));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new PushRequest(streams);
    }

    private static PushStream ReadStream(ReadOnlyMemory<byte> memory, List<LabelPair> metadataScratch)
    {
        ReadOnlySpan<byte> data = memory.Span;
        string labels = string.Empty;
        bool labelsInvalidUtf8 = false;
        var entries = new LogEntry[CountEntries(data)];
        int entryCount = 0;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("StreamAdapter", out int wireType);
            switch (field)
            {
                case 1:
                    if (wireType != ProtoReader.WireLengthDelimited)
                    {
                        throw ProtoReader.WrongWireType(wireType, "Labels");
                    }

                    ReadOnlySpan<byte> labelBytes = reader.ReadLengthDelimited(out _);
                    labels = Encoding.UTF8.GetString(labelBytes);
                    labelsInvalidUtf8 = !System.Text.Unicode.Utf8.IsValid(labelBytes);
                    break;
                case 2:
                    {
                        ReadOnlySpan<byte> entry = reader.ReadLengthDelimited(out int start);
                        entries[entryCount++] = ReadEntry(memory.Slice(start, entry.Length), metadataScratch);
                        break;
                    }

                case 3:
                    if (wireType != ProtoReader.WireVarint)
                    {
                        throw ProtoReader.WrongWireType(wireType, "Hash");
                    }

                    reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return labelsInvalidUtf8 ? PushStream.InvalidUtf8(labels, entries) : PushStream.Create(labels, entries);
    }

    /// <summary>Counts the entries of a stream message so the entry array is allocated once at its exact size.</summary>
    private static int CountEntries(ReadOnlySpan<byte> data)
    {
        int count = 0;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("StreamAdapter", out int wireType);
            if (field == 2)
            {
                if (wireType != ProtoReader.WireLengthDelimited)
                {
                    throw ProtoReader.WrongWireType(wireType, "Entries");
                }

                count++;
            }

            reader.Skip(wireType);
        }

        return count;
    }

    private static LogEntry ReadEntry(ReadOnlyMemory<byte> memory, List<LabelPair> metadataScratch)
    {
        long timestamp = 0;
        ReadOnlyMemory<byte> line = ReadOnlyMemory<byte>.Empty;
        metadataScratch.Clear();
        var reader = new ProtoReader(memory.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("EntryAdapter", out int wireType);
            switch (field)
            {
                case 1:
                    if (wireType != ProtoReader.WireLengthDelimited)
                    {
                        throw ProtoReader.WrongWireType(wireType, "Timestamp");
                    }

                    timestamp = ReadTimestamp(reader.ReadLengthDelimited(out _));
                    break;
                case 2:
                    {
                        if (wireType != ProtoReader.WireLengthDelimited)
                        {
                            throw ProtoReader.WrongWireType(wireType, "Line");
                        }

                        ReadOnlySpan<byte> bytes = reader.ReadLengthDelimited(out int start);
                        line = memory.Slice(start, bytes.Length);
                        break;
                    }

                case 3:
                    if (wireType != ProtoReader.WireLengthDelimited)
                    {
                        throw ProtoReader.WrongWireType(wireType, "StructuredMetadata");
                    }

                    metadataScratch.Add(ReadLabelPair(reader.ReadLengthDelimited(out _)));
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        LabelPair[] metadata = metadataScratch.Count == 0 ? [] : [.. metadataScratch];
        return new LogEntry(timestamp, line, metadata);
    }

    private static LabelPair ReadLabelPair(ReadOnlySpan<byte> data)
    {
        string name = string.Empty;
        string value = string.Empty;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("LabelPairAdapter", out int wireType);
            if (field is 1 or 2)
            {
                if (wireType != ProtoReader.WireLengthDelimited)
                {
                    throw ProtoReader.WrongWireType(wireType, field == 1 ? "Name" : "Value");
                }

                string text = Encoding.UTF8.GetString(reader.ReadLengthDelimited(out _));
                if (field == 1)
                {
                    name = text;
                }
                else
                {
                    value = text;
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new LabelPair(name, value);
    }

    /// <summary>
    /// Reads a <c>google.protobuf.Timestamp</c> and converts it to Unix nanoseconds, with the range checks of gogo's
    /// <c>types.TimestampFromProto</c> plus one for the int64-nanosecond range (years 1677–2262).
    /// </summary>
    private static long ReadTimestamp(ReadOnlySpan<byte> data)
    {
        long seconds = 0;
        int nanos = 0;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("Timestamp", out int wireType);
            if (field is 1 or 2)
            {
                if (wireType != ProtoReader.WireVarint)
                {
                    throw ProtoReader.WrongWireType(wireType, field == 1 ? "Seconds" : "Nanos");
                }

                ulong raw = reader.ReadVarint();
                if (field == 1)
                {
                    seconds = unchecked((long)raw);
                }
                else
                {
                    nanos = unchecked((int)raw);
                }
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        if (nanos is < 0 or >= 1_000_000_000)
        {
            throw ProtoReader.Error(string.Create(CultureInfo.InvariantCulture, $"timestamp: seconds:{seconds} nanos:{nanos}: nanos not in range [0, 1e9)"));
        }

        // The int64 nanosecond range spans 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z.
        if (seconds < -9_223_372_036L || seconds > 9_223_372_035L
            || (seconds == -9_223_372_036L && nanos < 145_224_192)
            || (seconds == 9_223_372_035L && nanos > 854_775_807))
        {
            throw ProtoReader.Error(string.Create(CultureInfo.InvariantCulture, $"timestamp: seconds:{seconds} nanos:{nanos}: outside the range of int64 nanoseconds (years 1677 to 2262)"));
        }

        return (seconds * 1_000_000_000L) + nanos;
    }
}
