using System.Text.Json;
using Loggia.Core.Model;

namespace Loggia.Ingest.Loki;

/// <summary>
/// Decodes Loki's JSON push body (<c>application/json</c> on <c>/loki/api/v1/push</c>):
/// <code>
/// {"streams":[{"stream":{"app":"x"},"values":[["&lt;unix ns as a string&gt;","line",{"trace_id":"…"}], …]}]}
/// </code>
/// The optional third element of a value is structured metadata (an object of strings).
/// </summary>
/// <remarks>
/// Streams with labels that do not parse are kept with <see cref="PushStream.LabelsError"/> set, so validation
/// rejects only them (Loki: <c>invalid_labels</c>). Malformed JSON, a timestamp that is not an integer string, a
/// value array without 2 or 3 elements, or non-string labels or metadata fail the request with 400, as in Loki.
/// Unknown properties are ignored. Lines are unescaped into a per-request arena: no allocation per line.
/// </remarks>
public static class LokiJsonDecoder
{
    /// <summary>Decodes a JSON push body (already free of any Content-Encoding).</summary>
    /// <exception cref="PushRequestException">The body is not a valid Loki JSON push (400).</exception>
    public static PushRequest Decode(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        var arena = new LineArena();
        var streams = new List<PushStream>();
        var scratch = new Scratch();
        try
        {
            JsonReading.Expect(ref reader, JsonTokenType.StartObject, "push request");
            while (true)
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                if (reader.ValueTextEquals("streams"u8))
                {
                    JsonReading.Read(ref reader);
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new PushRequestException(400, $"invalid JSON: streams: expected an array, found {JsonReading.Describe(reader.TokenType)}");
                    }

                    while (true)
                    {
                        JsonReading.Read(ref reader);
                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            break;
                        }

                        streams.Add(ReadStream(ref reader, arena, scratch));
                    }
                }
                else
                {
                    JsonReading.Read(ref reader);
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                throw new PushRequestException(400, "invalid JSON: unexpected data after the push request");
            }
        }
        catch (JsonException ex)
        {
            throw new PushRequestException(400, "invalid JSON: " + ex.Message, ex);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports strings that are not valid UTF-8 (or cannot be unescaped) this way.
            throw new PushRequestException(400, "invalid JSON: " + ex.Message, ex);
        }

        return new PushRequest(streams);
    }

    private static PushStream ReadStream(ref Utf8JsonReader reader, LineArena arena, Scratch scratch)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new PushRequestException(400, $"invalid JSON: stream: expected an object, found {JsonReading.Describe(reader.TokenType)}");
        }

        scratch.Labels.Clear();
        scratch.Entries.Clear();
        bool labelsInvalidUtf8 = false;
        while (true)
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("stream"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType != JsonTokenType.Null)
                {
                    labelsInvalidUtf8 = JsonReading.ReadStringMap(ref reader, scratch.Labels, "stream");
                }
            }
            else if (reader.ValueTextEquals("values"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new PushRequestException(400, $"invalid JSON: values: expected an array, found {JsonReading.Describe(reader.TokenType)}");
                }

                while (true)
                {
                    JsonReading.Read(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    scratch.Entries.Add(ReadValue(ref reader, arena, scratch.Metadata));
                }
            }
            else
            {
                JsonReading.Read(ref reader);
                reader.Skip();
            }
        }

        return JsonReading.CreateStream(scratch.Labels, [.. scratch.Entries], labelsInvalidUtf8);
    }

    /// <summary>Reads <c>["ns", "line"]</c> or <c>["ns", "line", {metadata}]</c>.</summary>
    private static LogEntry ReadValue(ref Utf8JsonReader reader, LineArena arena, List<LabelPair> metadata)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new PushRequestException(400, $"invalid JSON: values entry: expected an array, found {JsonReading.Describe(reader.TokenType)}");
        }

        JsonReading.Read(ref reader);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new PushRequestException(400, $"invalid JSON: values entry timestamp: expected a string of Unix nanoseconds, found {JsonReading.Describe(reader.TokenType)}");
        }

        if (!JsonReading.TryParseInt64(ref reader, out long timestamp))
        {
            throw new PushRequestException(400, $"error reading entry timestamp: strconv.ParseInt: parsing \"{reader.GetString()}\": invalid syntax");
        }

        JsonReading.Read(ref reader);
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new PushRequestException(400, $"invalid JSON: values entry line: expected a string, found {JsonReading.Describe(reader.TokenType)}");
        }

        ReadOnlyMemory<byte> line = JsonReading.ReadUtf8(ref reader, arena);
        LabelPair[] structuredMetadata = [];
        JsonReading.Read(ref reader);
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            metadata.Clear();
            JsonReading.ReadStringMap(ref reader, metadata, "structured metadata");
            structuredMetadata = [.. metadata];
            JsonReading.Read(ref reader);
            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw new PushRequestException(400, "invalid JSON: values entry: expected 2 or 3 elements ([timestamp, line] or [timestamp, line, metadata])");
            }
        }

        return new LogEntry(timestamp, line, structuredMetadata);
    }

    /// <summary>Lists reused across the streams and entries of one request.</summary>
    private sealed class Scratch
    {
        public List<LabelPair> Labels { get; } = [];

        public List<LabelPair> Metadata { get; } = [];

        public List<LogEntry> Entries { get; } = [];
    }
}
