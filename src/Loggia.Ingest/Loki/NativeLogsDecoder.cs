using System.Globalization;
using System.Text;
using System.Text.Json;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Decodes Loggia's native JSON format (<c>POST /api/v1/logs</c>): one object or an array of objects
/// <code>
/// {"timestamp": "2024-05-01T12:00:00.123456789Z" | 1714564800 | 1714564800123 | …,
///  "message": "…", "labels": {"app": "api"}, "metadata": {"trace_id": "…"}}
/// </code>
/// into the same <see cref="PushRequest"/> as a Loki push: records with the same labels form one stream, in order
/// of first appearance.
/// </summary>
/// <remarks>
/// <para><c>message</c> is required; <c>labels</c> and <c>metadata</c> are optional objects of strings (a record
/// without labels fails validation with <c>missing_labels</c>, as in Loki); a missing <c>timestamp</c> means now.</para>
/// <para>
/// A string timestamp is RFC 3339 with up to 9 fraction digits (more are truncated). A numeric timestamp is Unix
/// time whose unit is told by its magnitude, because every unit's values for the years 1973–5138 fall in disjoint
/// ranges: |t| &lt; 1e11 is seconds (1e11 s is the year 5138), &lt; 1e14 milliseconds, &lt; 1e17 microseconds,
/// otherwise nanoseconds (1e11 ms, 1e14 µs and 1e17 ns are all March 1973). Fractions are allowed (1714564800.5).
/// </para>
/// </remarks>
public static class NativeLogsDecoder
{
    private const long NanosPerSecond = 1_000_000_000L;
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>Decodes a native body (already free of any Content-Encoding).</summary>
    /// <param name="json">The body.</param>
    /// <param name="timeProvider">The clock for records without a timestamp.</param>
    /// <exception cref="PushRequestException">The body is not valid (400).</exception>
    public static PushRequest Decode(ReadOnlySpan<byte> json, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        long now = (timeProvider.GetUtcNow().UtcTicks - UnixEpochTicks) * 100;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        var arena = new LineArena();
        var groups = new Dictionary<string, List<LogEntry>>(StringComparer.Ordinal);
        var order = new List<(string Raw, List<LabelPair> Labels, bool InvalidUtf8)>();
        var labels = new List<LabelPair>();
        var metadata = new List<LabelPair>();
        try
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (true)
                {
                    JsonReading.Read(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    ReadRecord(ref reader, arena, labels, metadata, now, groups, order);
                }
            }
            else
            {
                ReadRecord(ref reader, arena, labels, metadata, now, groups, order);
            }

            if (reader.Read())
            {
                throw new PushRequestException(400, "invalid JSON: unexpected data after the log records");
            }
        }
        catch (JsonException ex)
        {
            throw new PushRequestException(400, "invalid JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new PushRequestException(400, "invalid JSON: " + ex.Message, ex);
        }

        var streams = new PushStream[order.Count];
        for (int i = 0; i < order.Count; i++)
        {
            streams[i] = JsonReading.CreateStream(order[i].Labels, [.. groups[order[i].Raw]], order[i].InvalidUtf8);
        }

        return new PushRequest(streams);
    }

    private static void ReadRecord(
        ref Utf8JsonReader reader,
        LineArena arena,
        List<LabelPair> labels,
        List<LabelPair> metadata,
        long now,
        Dictionary<string, List<LogEntry>> groups,
        List<(string Raw, List<LabelPair> Labels, bool InvalidUtf8)> order)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PushRequestException(400, $"invalid JSON: log record: expected an object, found {JsonReading.Describe(reader.TokenType)}");
        }

        labels.Clear();
        metadata.Clear();
        bool labelsInvalidUtf8 = false;
        long timestamp = now;
        ReadOnlyMemory<byte>? message = null;
        while (true)
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("timestamp"u8))
            {
                JsonReading.Read(ref reader);
                timestamp = reader.TokenType switch
                {
                    JsonTokenType.String => ParseRfc3339(reader.GetString()!),
                    JsonTokenType.Number => ParseUnixNumber(ref reader),
                    JsonTokenType.Null => now,
                    _ => throw new PushRequestException(400, $"invalid JSON: timestamp: expected an RFC 3339 string or a number, found {JsonReading.Describe(reader.TokenType)}"),
                };
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new PushRequestException(400, $"invalid JSON: message: expected a string, found {JsonReading.Describe(reader.TokenType)}");
                }

                message = JsonReading.ReadUtf8(ref reader, arena);
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    labelsInvalidUtf8 = JsonReading.ReadStringMap(ref reader, labels, "labels");
                }
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    JsonReading.ReadStringMap(ref reader, metadata, "metadata");
                }
            }
            else
            {
                JsonReading.Read(ref reader);
                reader.Skip();
            }
        }

        if (message is null)
        {
            throw new PushRequestException(400, "invalid log record: \"message\" is required");
        }

        // Group by the sorted label string; the key is built from sorted pairs, so key order in JSON does not matter.
        LabelPair[] sorted = [.. labels];
        Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Name, y.Name));
        // Labels that were not valid UTF-8 make a separate (refused) stream: a NUL cannot start a formatted label string.
        string key = labelsInvalidUtf8 ? "\0" + Labels.Format(sorted) : Labels.Format(sorted);
        if (!groups.TryGetValue(key, out List<LogEntry>? entries))
        {
            entries = [];
            groups.Add(key, entries);
            order.Add((key, [.. labels], labelsInvalidUtf8));
        }

        LabelPair[] structuredMetadata = metadata.Count == 0 ? [] : [.. metadata];
        entries.Add(new LogEntry(timestamp, message.Value, structuredMetadata));
    }

    /// <summary>Parses RFC 3339 (<c>2024-05-01T12:00:00.123456789+02:00</c>) to Unix nanoseconds, keeping all 9 digits.</summary>
    internal static long ParseRfc3339(string text)
    {
        // DateTimeOffset keeps 100 ns ticks, so the fraction is cut out and added back at full precision.
        long fractionNanos = 0;
        string withoutFraction = text;
        int dot = text.Length > 19 ? 19 : -1;
        if (dot > 0 && text[dot] == '.')
        {
            int end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            int digits = end - dot - 1;
            if (digits == 0)
            {
                throw BadTimestamp(text);
            }

            ReadOnlySpan<char> fraction = text.AsSpan(dot + 1, Math.Min(digits, 9));
            fractionNanos = long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
            for (int i = fraction.Length; i < 9; i++)
            {
                fractionNanos *= 10;
            }

            withoutFraction = string.Concat(text.AsSpan(0, dot), text.AsSpan(end));
        }

        if (!DateTimeOffset.TryParseExact(
                withoutFraction,
                ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd't'HH:mm:ssK", "yyyy-MM-dd HH:mm:ssK"],
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out DateTimeOffset parsed)
            || !(withoutFraction.EndsWith('Z') || withoutFraction.EndsWith('z') || withoutFraction.Length >= 25))
        {
            throw BadTimestamp(text);
        }

        // Ticks are 100 ns; int64 nanoseconds cover only the years 1677-2262.
        Int128 nanos = ((Int128)(parsed.UtcTicks - UnixEpochTicks) * 100) + fractionNanos;
        if (nanos < long.MinValue || nanos > long.MaxValue)
        {
            throw new PushRequestException(400, $"invalid timestamp \"{text}\": outside the years 1677 to 2262");
        }

        return (long)nanos;
    }

    /// <summary>Converts a Unix timestamp number to nanoseconds, choosing the unit by magnitude (see the type remarks).</summary>
    private static long ParseUnixNumber(ref Utf8JsonReader reader)
    {
        if (!reader.TryGetDecimal(out decimal value))
        {
            throw new PushRequestException(400, $"invalid timestamp {Encoding.UTF8.GetString(reader.ValueSpan)}: out of range");
        }

        decimal magnitude = Math.Abs(value);
        decimal factor = magnitude < 1e11m ? NanosPerSecond : magnitude < 1e14m ? 1_000_000m : magnitude < 1e17m ? 1_000m : 1m;
        decimal nanos = decimal.Truncate(value * factor);
        if (nanos < long.MinValue || nanos > long.MaxValue)
        {
            throw new PushRequestException(400, $"invalid timestamp {Encoding.UTF8.GetString(reader.ValueSpan)}: outside the years 1677 to 2262");
        }

        return (long)nanos;
    }

    private static PushRequestException BadTimestamp(string text) =>
        new(400, $"invalid timestamp \"{text}\": expected RFC 3339, e.g. 2024-05-01T12:00:00.123Z");
}
