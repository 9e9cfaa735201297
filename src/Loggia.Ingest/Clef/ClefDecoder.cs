using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;

namespace Loggia.Ingest.Clef;

/// <summary>
/// Decodes CLEF, Serilog's compact log event format as Seq ingests it (<c>application/vnd.serilog.clef</c>): one
/// JSON object per line. Mapping (docs/ingest/clef.md): the stream is <c>{service_name="…"}</c> from the resource
/// attribute <c>service.name</c> (<c>@ra</c>) or the <c>Application</c> property; the line is the rendered message
/// (<c>@m</c>, else <c>@mt</c> rendered with the properties) followed by the exception (<c>@x</c>) on the next lines;
/// level, template, event id, trace and span ids and every property become structured metadata.
/// </summary>
/// <remarks>
/// A line that is not a valid event (bad JSON, not an object, no or bad <c>@t</c>) is counted and reported; the
/// valid events of the payload are kept, as Loki keeps the valid entries of a push.
/// </remarks>
public static class ClefDecoder
{
    /// <summary>The stream label every event gets.</summary>
    public const string ServiceNameLabel = "service_name";

    /// <summary>Decodes a payload (optionally gzip/deflate-compressed, per <paramref name="contentEncoding"/>).</summary>
    /// <exception cref="PushRequestException">The body cannot be decompressed, is too large or has an unknown encoding.</exception>
    public static ClefDecodeResult Decode(ReadOnlySpan<byte> body, string? contentEncoding, int maxBytes)
    {
        var kind = PushContentEncoding.Classify(contentEncoding);
        if (kind == ContentEncodingKind.None)
        {
            return DecodeLines(body);
        }
        if (kind == ContentEncodingKind.Snappy)
        {
            throw new PushRequestException(400, $"Content-Encoding \"{contentEncoding}\" not supported");
        }
        var length = PushContentEncoding.Inflate(body, kind, maxBytes, out var rented);
        try
        {
            return DecodeLines(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ClefDecodeResult DecodeLines(ReadOnlySpan<byte> body)
    {
        var streams = new Dictionary<string, List<LogEntry>>(StringComparer.Ordinal);
        var arena = new LineArena();
        var invalid = 0;
        string? firstError = null;
        var lineNumber = 0;
        var properties = new List<ClefProperty>();
        var metadata = new List<LabelPair>();
        while (!body.IsEmpty)
        {
            lineNumber++;
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }
            if (TryDecodeEvent(line, arena, properties, metadata, out var service, out var entry, out var error))
            {
                if (!streams.TryGetValue(service, out var entries))
                {
                    streams[service] = entries = [];
                }
                entries.Add(entry);
            }
            else
            {
                invalid++;
                firstError ??= $"line {lineNumber}: {error}";
            }
        }

        var result = new List<PushStream>(streams.Count);
        foreach (var (service, entries) in streams)
        {
            var labels = Labels.Create((ServiceNameLabel, service));
            result.Add(new PushStream(labels.ToString(), labels, null, [.. entries]));
        }
        return new ClefDecodeResult(new PushRequest(result), invalid, firstError);
    }

    private static bool TryDecodeEvent(ReadOnlySpan<byte> json, LineArena arena, List<ClefProperty> properties, List<LabelPair> metadata,
        out string service, out LogEntry entry, out string error)
    {
        service = "unknown_service";
        entry = default;
        properties.Clear();
        metadata.Clear();
        string? timestamp = null, message = null, template = null, level = null, exception = null, eventId = null, traceId = null, spanId = null;
        string? resourceService = null;
        var resource = new List<LabelPair>();
        try
        {
            // Invalid UTF-8 in a value becomes U+FFFD (the event is kept), as Seq's and Loki's readers decode it.
            json = Utf8Repair.Valid(json);
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "an event must be a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "@t":
                        timestamp = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    case "@m":
                        message = Text(ref reader, json);
                        break;
                    case "@mt":
                        template = Text(ref reader, json);
                        break;
                    case "@l":
                        level = Text(ref reader, json);
                        break;
                    case "@x":
                        exception = Text(ref reader, json);
                        break;
                    case "@i":
                        eventId = Text(ref reader, json);
                        break;
                    case "@tr":
                        traceId = Text(ref reader, json);
                        break;
                    case "@sp":
                        spanId = Text(ref reader, json);
                        break;
                    case "@ra" when reader.TokenType == JsonTokenType.StartObject:
                        ReadResource(ref reader, json, resource, ref resourceService);
                        break;
                    case "@r" or "@ra" or "@sa" or "@ps" or "@st" or "@sc":
                        // Renderings, scope and span details: Seq-specific extras with no Loki counterpart.
                        reader.Skip();
                        break;
                    default:
                        // "@@name" is a property whose name starts with '@'; other '@' names are reserved and ignored.
                        if (name.StartsWith("@@", StringComparison.Ordinal))
                        {
                            name = name[1..];
                        }
                        else if (name.StartsWith('@'))
                        {
                            reader.Skip();
                            break;
                        }
                        properties.Add(new ClefProperty(name, Text(ref reader, json)));
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                error = "an event must be one JSON object per line";
                return false;
            }
        }
        catch (JsonException e)
        {
            error = "invalid JSON: " + e.Message;
            return false;
        }

        if (timestamp is null)
        {
            error = "the event has no @t timestamp";
            return false;
        }
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            error = $"the @t timestamp \"{timestamp}\" is not ISO 8601";
            return false;
        }

        service = resourceService ?? Property(properties, "Application") ?? Property(properties, "service_name") ?? "unknown_service";
        metadata.Add(new LabelPair("level", ClefLevels.ToLoki(level)));
        if (template is not null)
        {
            metadata.Add(new LabelPair("message_template", template));
        }
        if (eventId is not null)
        {
            metadata.Add(new LabelPair("event_id", eventId));
        }
        if (traceId is not null)
        {
            metadata.Add(new LabelPair("trace_id", traceId));
        }
        if (spanId is not null)
        {
            metadata.Add(new LabelPair("span_id", spanId));
        }
        foreach (var p in properties)
        {
            metadata.Add(new LabelPair(OtlpLabelNames.Normalize(p.Name), p.Value));
        }
        metadata.AddRange(resource);

        var text = message ?? (template is not null ? ClefMessageTemplate.Render(template, properties) : null);
        if (exception is not null)
        {
            text = text is null or "" ? exception : text + "\n" + exception;
        }
        ReadOnlyMemory<byte> lineBytes;
        if (text is null)
        {
            // No message at all: the event itself is the most useful line.
            lineBytes = arena.Copy(json);
        }
        else
        {
            var reservation = arena.Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
            var written = Encoding.UTF8.GetBytes(text, reservation.Span);
            arena.Commit(reservation, written);
            lineBytes = reservation[..written];
        }
        var nanos = (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        entry = new LogEntry(nanos, lineBytes, metadata.ToArray());
        error = "";
        return true;
    }

    private static void ReadResource(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, List<LabelPair> resource, ref string? service)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var value = Text(ref reader, json);
            if (name == "service.name")
            {
                service = value;
            }
            else
            {
                resource.Add(new LabelPair(OtlpLabelNames.Normalize(name), value));
            }
        }
    }

    /// <summary>A value as text: a string unescaped, anything else as its compact JSON.</summary>
    private static string Text(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private static string? Property(List<ClefProperty> properties, string name)
    {
        foreach (var p in properties)
        {
            if (p.Name == name)
            {
                return p.Value;
            }
        }
        return null;
    }
}
