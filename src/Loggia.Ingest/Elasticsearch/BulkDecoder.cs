using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;

namespace Loggia.Ingest.Elasticsearch;

/// <summary>
/// Decodes an Elasticsearch <c>_bulk</c> body (NDJSON: an action line, then for <c>index</c>/<c>create</c>/
/// <c>update</c> a document line) into Loki streams, as docs/ingest/elasticsearch.md describes: the line is the
/// document's <c>message</c> (else <c>log</c>, else <c>msg</c>, else the whole document), the time its
/// <c>@timestamp</c> (else <c>timestamp</c>, else <c>time</c>, else now); the labels <c>index</c> and the configured
/// label fields; every other field, flattened with <c>_</c>, is structured metadata.
/// </summary>
/// <remarks>
/// A malformed action line fails the whole request, as in Elasticsearch; a malformed document fails only its item
/// (<c>mapper_parsing_exception</c>); <c>delete</c> and <c>update</c> are refused per item (logs are append-only).
/// </remarks>
public sealed class BulkDecoder
{
    private static readonly string[] MessageFields = ["message", "log", "msg"];
    private static readonly string[] TimeFields = ["@timestamp", "timestamp", "time"];

    private readonly IReadOnlyList<string> _labelFields;

    /// <summary>Creates a decoder whose documents' <paramref name="labelFields"/> (dotted paths) become stream labels.</summary>
    public BulkDecoder(IReadOnlyList<string> labelFields)
    {
        ArgumentNullException.ThrowIfNull(labelFields);
        _labelFields = labelFields;
    }

    /// <summary>Decodes a body (optionally gzip/deflate-compressed).</summary>
    /// <exception cref="PushRequestException">The body cannot be decompressed or is too large.</exception>
    /// <exception cref="BulkRequestException">An action line is malformed.</exception>
    public BulkDecodeResult Decode(ReadOnlySpan<byte> body, string? contentEncoding, string? defaultIndex, int maxBytes, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var kind = PushContentEncoding.Classify(contentEncoding);
        if (kind == ContentEncodingKind.None)
        {
            return DecodeLines(body, defaultIndex, time);
        }
        if (kind == ContentEncodingKind.Snappy)
        {
            throw new PushRequestException(400, $"Content-Encoding \"{contentEncoding}\" not supported");
        }
        var length = PushContentEncoding.Inflate(body, kind, maxBytes, out var rented);
        try
        {
            return DecodeLines(rented.AsSpan(0, length), defaultIndex, time);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed class StreamBuilder(Labels labels)
    {
        public Labels Labels { get; } = labels;

        public List<LogEntry> Entries { get; } = [];
    }

    private BulkDecodeResult DecodeLines(ReadOnlySpan<byte> body, string? defaultIndex, TimeProvider time)
    {
        var nowNanos = (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var items = new List<BulkItem>();
        var streams = new Dictionary<string, int>(StringComparer.Ordinal);
        var builders = new List<StreamBuilder>();
        var lineNumber = 0;
        while (NextLine(ref body, ref lineNumber) is { } actionLine)
        {
            var (action, index, id) = ParseAction(actionLine.Span, lineNumber, defaultIndex);
            if (action == "delete")
            {
                items.Add(new BulkItem(action, index, id, -1, -1, "action_request_validation_exception", "Validation Failed: 1: delete is not supported: logs are append-only;"));
                continue;
            }
            if (NextLine(ref body, ref lineNumber) is not { } document)
            {
                throw new BulkRequestException($"Validation Failed: 1: no requests added;");
            }
            if (action == "update")
            {
                items.Add(new BulkItem(action, index, id, -1, -1, "action_request_validation_exception", "Validation Failed: 1: update is not supported: logs are append-only;"));
                continue;
            }
            if (!TryMapDocument(document.Span, index, nowNanos, out var labels, out var entry, out var reason))
            {
                items.Add(new BulkItem(action, index, id, -1, -1, "document_parsing_exception", reason));
                continue;
            }
            var key = labels.ToString();
            if (!streams.TryGetValue(key, out var streamIndex))
            {
                streamIndex = builders.Count;
                streams[key] = streamIndex;
                builders.Add(new StreamBuilder(labels));
            }
            var builder = builders[streamIndex];
            items.Add(new BulkItem(action, index, id, streamIndex, builder.Entries.Count));
            builder.Entries.Add(entry);
        }

        var result = new List<PushStream>(builders.Count);
        foreach (var builder in builders)
        {
            result.Add(new PushStream(builder.Labels.ToString(), builder.Labels, null, [.. builder.Entries]));
        }
        return new BulkDecodeResult(new PushRequest(result), items);
    }

    /// <summary>The next non-blank line (copied: documents outlive the request body only through their entries).</summary>
    private static ReadOnlyMemory<byte>? NextLine(ref ReadOnlySpan<byte> body, ref int lineNumber)
    {
        while (!body.IsEmpty)
        {
            lineNumber++;
            var newline = body.IndexOf((byte)'\n');
            var line = newline < 0 ? body : body[..newline];
            body = newline < 0 ? [] : body[(newline + 1)..];
            line = line.TrimEnd((byte)'\r');
            if (!line.Trim(" \t"u8).IsEmpty)
            {
                return line.ToArray();
            }
        }
        return null;
    }

    private static (string Action, string Index, string Id) ParseAction(ReadOnlySpan<byte> line, int lineNumber, string? defaultIndex)
    {
        try
        {
            var reader = new Utf8JsonReader(Utf8Repair.Valid(line));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new BulkRequestException($"Malformed action/metadata line [{lineNumber}], expected START_OBJECT or END_OBJECT but found [{reader.TokenType}]");
            }
            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new BulkRequestException($"Malformed action/metadata line [{lineNumber}], expected FIELD_NAME but found [{reader.TokenType}]");
            }
            var action = reader.GetString()!;
            if (action is not ("index" or "create" or "update" or "delete"))
            {
                throw new BulkRequestException($"Malformed action/metadata line [{lineNumber}], expected field [create], [delete], [index] or [update] but found [{action}]");
            }
            string? index = null, id = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new BulkRequestException($"Malformed action/metadata line [{lineNumber}], expected START_OBJECT but found [{reader.TokenType}]");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "_index" && reader.TokenType == JsonTokenType.String)
                {
                    index = reader.GetString();
                }
                else if (name == "_id" && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                }
                else
                {
                    reader.Skip();
                }
            }
            index ??= defaultIndex;
            if (string.IsNullOrEmpty(index))
            {
                throw new BulkRequestException($"Validation Failed: 1: index is missing;");
            }
            return (action, index, id ?? NewId());
        }
        catch (JsonException e)
        {
            throw new BulkRequestException($"Malformed action/metadata line [{lineNumber}]: {e.Message}", e);
        }
    }

    private bool TryMapDocument(ReadOnlySpan<byte> json, string index, long nowNanos, out Labels labels, out LogEntry entry, out string reason)
    {
        labels = Labels.Empty;
        entry = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Utf8Repair.Valid(json).ToArray());
        }
        catch (JsonException e)
        {
            reason = "failed to parse: " + e.Message;
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = "failed to parse: the document is not a JSON object";
                return false;
            }

            var fields = new List<KeyValuePair<string, string>>();
            Flatten(root, "", fields);

            string? line = null;
            string? lineField = null;
            foreach (var name in MessageFields)
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    line = value.GetString();
                    lineField = name;
                    break;
                }
            }
            var timestamp = nowNanos;
            string? timeField = null;
            foreach (var name in TimeFields)
            {
                if (root.TryGetProperty(name, out var value))
                {
                    if (!TryParseTime(value, out timestamp))
                    {
                        reason = $"failed to parse field [{name}] of type [date]: \"{value.GetRawText()}\"";
                        return false;
                    }
                    timeField = name;
                    break;
                }
            }

            var labelPairs = new List<(string, string)> { ("index", index) };
            var metadata = new List<LabelPair>(fields.Count);
            foreach (var (path, value) in fields)
            {
                if (path == lineField || path == timeField)
                {
                    continue;
                }
                if (IsLabelField(path))
                {
                    labelPairs.Add((OtlpLabelNames.Normalize(path), value));
                    continue;
                }
                metadata.Add(new LabelPair(OtlpLabelNames.Normalize(path), value));
            }
            labels = Labels.Create([.. labelPairs]);
            var bytes = line is null ? json.ToArray() : Encoding.UTF8.GetBytes(line);
            entry = new LogEntry(timestamp, bytes, metadata.ToArray());
            reason = "";
            return true;
        }
    }

    private bool IsLabelField(string path)
    {
        foreach (var field in _labelFields)
        {
            if (field == path)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Objects flatten into dotted paths; scalars and arrays become text (strings as they are, others as JSON).</summary>
    private static void Flatten(JsonElement element, string prefix, List<KeyValuePair<string, string>> fields)
    {
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            var value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(value, path, fields);
                    break;
                case JsonValueKind.String:
                    fields.Add(new(path, value.GetString()!));
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    fields.Add(new(path, value.GetRawText()));
                    break;
            }
        }
    }

    /// <summary>Elasticsearch's default date formats: ISO 8601 (<c>strict_date_optional_time</c>) or epoch milliseconds.</summary>
    private static bool TryParseTime(JsonElement value, out long nanos)
    {
        nanos = 0;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var millis))
        {
            nanos = millis * 1_000_000;
            return true;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                nanos = (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
                return true;
            }
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out millis))
            {
                nanos = millis * 1_000_000;
                return true;
            }
        }
        return false;
    }

    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}
