using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Http;

/// <summary>
/// Writes Loki's <c>query_range</c>/<c>query</c> JSON for log (streams) results:
/// <c>{"status":"success","data":{"resultType":"streams","result":[…],"stats":{…}}}</c>, field order as Loki.
/// Each value is <c>["&lt;ns&gt;","&lt;line&gt;"]</c>, plus a third object (<c>{}</c> or
/// <c>{"structuredMetadata":{…},"parsed":{…}}</c>, each member only when not empty) when <c>categorize-labels</c> is
/// requested, in which case
/// <c>data.encodingFlags</c> lists the flags. Lines that are not valid UTF-8 are written with each invalid byte
/// replaced by U+FFFD, as Go's JSON encoder does.
/// </summary>
public static class LokiResponseWriter
{
    /// <summary>
    /// Writer options close to Go's output: HTML-sensitive characters are escaped (as Loki's encoder does for
    /// lines), other non-ASCII text is written as is.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        SkipValidation = true,
    };

    /// <summary>
    /// Writes the whole response document for <paramref name="result"/>, with Loki's top-level <c>warnings</c> array
    /// after <c>data</c> when <paramref name="warnings"/> has any.
    /// </summary>
    public static void WriteStreams(Utf8JsonWriter writer, LogQueryResult result, LokiResponseEncoding flags, IReadOnlyList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        var categorize = (flags & LokiResponseEncoding.CategorizeLabels) != 0;
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WritePropertyName("data");
        writer.WriteStartObject();
        writer.WriteString("resultType", "streams");
        if (flags != LokiResponseEncoding.None)
        {
            writer.WritePropertyName("encodingFlags");
            writer.WriteStartArray();
            if (categorize)
            {
                writer.WriteStringValue(LokiResponseEncodingHeader.CategorizeLabels);
            }
            writer.WriteEndArray();
        }
        writer.WritePropertyName("result");
        writer.WriteStartArray();
        foreach (var stream in result.Streams)
        {
            WriteStream(writer, stream, categorize);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("stats");
        WriteStatistics(writer, result.Statistics);
        writer.WriteEndObject();
        WriteWarnings(writer, warnings);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"warnings":[…]</c> when there are any (Loki omits the field otherwise).</summary>
    public static void WriteWarnings(Utf8JsonWriter writer, IReadOnlyList<string>? warnings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (warnings is not { Count: > 0 })
        {
            return;
        }

        writer.WritePropertyName("warnings");
        writer.WriteStartArray();
        foreach (var warning in warnings)
        {
            writer.WriteStringValue(warning);
        }

        writer.WriteEndArray();
    }

    private static void WriteStream(Utf8JsonWriter writer, StreamResult stream, bool categorize)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("stream");
        WriteLabels(writer, stream.Labels.Pairs);
        writer.WritePropertyName("values");
        writer.WriteStartArray();
        Span<byte> digits = stackalloc byte[20];
        var entries = stream.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            writer.WriteStartArray();
            // Timestamps are strings of nanoseconds, as Loki writes them.
            entry.TimestampNanos.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            writer.WriteStringValue(digits[..written]);
            WriteLine(writer, entry.Line.Span);
            if (categorize)
            {
                writer.WriteStartObject();
                if (!entry.StructuredMetadata.IsEmpty)
                {
                    writer.WritePropertyName("structuredMetadata");
                    WriteLabels(writer, entry.StructuredMetadata.Span);
                }
                if (stream.Parsed is { } parsed && parsed[i].Count > 0)
                {
                    writer.WritePropertyName("parsed");
                    WriteLabels(writer, parsed[i].Pairs);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter writer, ReadOnlySpan<LabelPair> pairs)
    {
        writer.WriteStartObject();
        foreach (var pair in pairs)
        {
            writer.WriteString(pair.Name, pair.Value);
        }
        writer.WriteEndObject();
    }

    /// <summary>Writes a line as a JSON string; invalid UTF-8 bytes become U+FFFD one byte at a time (Go's rule).</summary>
    internal static void WriteLine(Utf8JsonWriter writer, ReadOnlySpan<byte> line)
    {
        if (Utf8.IsValid(line))
        {
            writer.WriteStringValue(line);
            return;
        }
        // Each invalid byte may grow from 1 to 3 bytes (EF BF BD).
        var rented = ArrayPool<byte>.Shared.Rent(line.Length * 3);
        try
        {
            var length = ReplaceInvalid(line, rented);
            writer.WriteStringValue(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal static int ReplaceInvalid(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        while (!source.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(source, out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                source[..consumed].CopyTo(target[written..]);
                written += consumed;
                source = source[consumed..];
                continue;
            }
            // Go's decoder reports an invalid sequence one byte at a time.
            target[written++] = 0xEF;
            target[written++] = 0xBF;
            target[written++] = 0xBD;
            source = source[1..];
        }
        return written;
    }

    /// <summary>Writes Loki's <c>stats</c> object (ingester, querier and summary sections) for <paramref name="s"/>.</summary>
    public static void WriteStatistics(Utf8JsonWriter w, QueryStatistics s)
    {
        var execSeconds = s.ExecTime.TotalSeconds;
        w.WriteStartObject();
        w.WritePropertyName("summary");
        w.WriteStartObject();
        w.WriteNumber("bytesProcessedPerSecond", execSeconds > 0 ? (long)(s.TotalBytesProcessed / execSeconds) : 0);
        w.WriteNumber("linesProcessedPerSecond", execSeconds > 0 ? (long)(s.TotalLinesProcessed / execSeconds) : 0);
        w.WriteNumber("totalBytesProcessed", s.TotalBytesProcessed);
        w.WriteNumber("totalLinesProcessed", s.TotalLinesProcessed);
        w.WriteNumber("execTime", execSeconds);
        w.WriteNumber("queueTime", s.QueueTime.TotalSeconds);
        w.WriteNumber("subqueries", s.Subqueries);
        w.WriteNumber("totalEntriesReturned", s.TotalEntriesReturned);
        w.WriteNumber("splits", s.Splits);
        w.WriteNumber("shards", s.Shards);
        w.WriteNumber("totalPostFilterLines", s.TotalPostFilterLines);
        w.WriteNumber("totalStructuredMetadataBytesProcessed", s.TotalStructuredMetadataBytesProcessed);
        w.WriteEndObject();

        // Loki always sends the querier/ingester/cache/index blocks. Loggia reads everything in the querier, so
        // its counts go to querier.store.chunk (summing to the summary, as in Loki) and the rest are zeros.
        w.WritePropertyName("querier");
        w.WriteStartObject();
        WriteStore(w, s);
        w.WriteEndObject();

        w.WritePropertyName("ingester");
        w.WriteStartObject();
        w.WriteNumber("totalReached", 0);
        w.WriteNumber("totalChunksMatched", 0);
        w.WriteNumber("totalBatches", 0);
        w.WriteNumber("totalLinesSent", 0);
        WriteStore(w, null);
        w.WriteEndObject();

        w.WritePropertyName("cache");
        w.WriteStartObject();
        foreach (var name in CacheNames)
        {
            w.WritePropertyName(name);
            w.WriteStartObject();
            w.WriteNumber("entriesFound", 0);
            w.WriteNumber("entriesRequested", 0);
            w.WriteNumber("entriesStored", 0);
            w.WriteNumber("bytesReceived", 0);
            w.WriteNumber("bytesSent", 0);
            w.WriteNumber("requests", 0);
            w.WriteNumber("downloadTime", 0);
            w.WriteNumber("queryLengthServed", 0);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WritePropertyName("index");
        w.WriteStartObject();
        // Loki counts chunks before and after its bloom filters here; Loggia's unit of bloom pruning is a block row group.
        w.WriteNumber("totalChunks", s.BlockRowGroups);
        w.WriteNumber("postFilterChunks", s.BlockRowGroups - s.BlockRowGroupsSkippedByBloom);
        w.WriteNumber("shardsDuration", 0);
        w.WriteBoolean("usedBloomFilters", s.UsedBloomFilters);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static readonly string[] CacheNames =
        ["chunk", "index", "result", "statsResult", "volumeResult", "seriesResult", "labelResult", "instantMetricResult"];

    private static void WriteStore(Utf8JsonWriter w, QueryStatistics? s)
    {
        w.WritePropertyName("store");
        w.WriteStartObject();
        w.WriteNumber("totalChunksRef", 0);
        w.WriteNumber("totalChunksDownloaded", 0);
        w.WriteNumber("chunksDownloadTime", 0);
        w.WriteBoolean("queryReferencedStructuredMetadata", false);
        w.WritePropertyName("chunk");
        w.WriteStartObject();
        w.WriteNumber("headChunkBytes", 0);
        w.WriteNumber("headChunkLines", 0);
        w.WriteNumber("decompressedBytes", s?.TotalBytesProcessed ?? 0);
        w.WriteNumber("decompressedLines", s?.TotalLinesProcessed ?? 0);
        w.WriteNumber("compressedBytes", s?.BlockBytesRead ?? 0);
        w.WriteNumber("totalDuplicates", s?.TotalDuplicates ?? 0);
        w.WriteNumber("postFilterLines", s?.TotalPostFilterLines ?? 0);
        w.WriteNumber("headChunkStructuredMetadataBytes", 0);
        w.WriteNumber("decompressedStructuredMetadataBytes", s?.TotalStructuredMetadataBytesProcessed ?? 0);
        w.WriteEndObject();
        w.WriteNumber("chunkRefsFetchTime", 0);
        w.WriteNumber("congestionControlLatency", 0);
        w.WriteNumber("pipelineWrapperFilteredLines", 0);
        w.WriteEndObject();
    }
}
