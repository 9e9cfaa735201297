namespace Loggia.Core.Model;

/// <summary>
/// One log entry: a timestamp, the line as UTF-8 bytes, and structured metadata (name/value pairs stored with the
/// entry but not part of the stream's labels, e.g. <c>trace_id</c>).
/// </summary>
/// <remarks>
/// A small struct so batches are arrays without per-entry objects. The line is a slice of a buffer the decoder owns
/// (often the decompressed request body), so decoding a line costs no allocation and no copy. The bytes are kept as
/// received: Loki does not validate line encoding, and neither does Loggia.
/// </remarks>
public readonly struct LogEntry
{
    /// <summary>Creates an entry.</summary>
    public LogEntry(long timestampNanos, ReadOnlyMemory<byte> line, ReadOnlyMemory<LabelPair> structuredMetadata = default)
    {
        TimestampNanos = timestampNanos;
        Line = line;
        StructuredMetadata = structuredMetadata;
    }

    /// <summary>Nanoseconds since the Unix epoch (UTC).</summary>
    public long TimestampNanos { get; }

    /// <summary>The log line, UTF-8 bytes as received.</summary>
    public ReadOnlyMemory<byte> Line { get; }

    /// <summary>Structured metadata in the order received (empty for most entries).</summary>
    public ReadOnlyMemory<LabelPair> StructuredMetadata { get; }

    /// <summary>Structured metadata size as Loki counts it: the UTF-8 bytes of every name and value.</summary>
    public int StructuredMetadataSize
    {
        get
        {
            int size = 0;
            foreach (LabelPair pair in StructuredMetadata.Span)
            {
                size += pair.Utf8Size;
            }

            return size;
        }
    }

    /// <summary>Returns a copy with a different line (used when truncating).</summary>
    public LogEntry WithLine(ReadOnlyMemory<byte> line) => new(TimestampNanos, line, StructuredMetadata);
}
