using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Decodes an OTLP/JSON <c>ExportLogsServiceRequest</c> (the protobuf JSON mapping with OTLP's rules) and maps it
/// to Loki streams with <see cref="OtlpPushBuilder"/>.
/// </summary>
/// <remarks>
/// Field names in lowerCamelCase (<c>resourceLogs</c>, <c>timeUnixNano</c>) or as in the .proto
/// (<c>resource_logs</c>), as protobuf's JSON parsers accept; unknown fields are ignored and <c>null</c> means
/// absent. 64-bit integers as strings or numbers; <c>severityNumber</c> as a number (or the enum's name);
/// <c>traceId</c>/<c>spanId</c> as hex (not base64, per OTLP); <c>bytesValue</c> as base64. Unescaped string bodies
/// are slices of <c>json</c>; escaped ones are unescaped into a per-request arena. Malformed JSON or a value of the
/// wrong type fails the request with a 400 <see cref="PushRequestException"/>.
/// </remarks>
public static class OtlpJsonDecoder
{
    /// <summary>The deepest JSON nesting accepted (a value nested in arrays and lists takes three levels per step).</summary>
    public const int MaxDepth = 128;

    /// <summary>Decodes an OTLP/JSON body (already free of any Content-Encoding).</summary>
    /// <exception cref="PushRequestException">The body is not a valid request (400).</exception>
    public static PushRequest Decode(ReadOnlyMemory<byte> json, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var state = new State(json, new OtlpPushBuilder(timeProvider));
        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            JsonReading.Expect(ref reader, JsonTokenType.StartObject, "ExportLogsServiceRequest");
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "resourceLogs"u8, "resource_logs"u8))
                {
                    if (StartArray(ref reader, "resourceLogs"))
                    {
                        while (NextItem(ref reader))
                        {
                            ReadResourceLogs(ref reader, state);
                        }
                    }
                }
                else
                {
                    SkipValue(ref reader);
                }
            }

            if (reader.Read())
            {
                throw new PushRequestException(400, "invalid JSON: unexpected data after the request object");
            }
        }
        catch (JsonException e)
        {
            throw new PushRequestException(400, "invalid JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader's Get* methods throw this for a value of another token type.
            throw new PushRequestException(400, "invalid JSON: " + e.Message, e);
        }

        return state.Builder.Build();
    }

    private static void ReadResourceLogs(ref Utf8JsonReader reader, State state)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, "resourceLogs[]");
        OtlpPushBuilder builder = state.Builder;

        // Two passes over the object: its resource first, then its scopes, whatever the property order.
        Utf8JsonReader start = reader;
        builder.BeginResource();
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "resource"u8, "resource"u8))
            {
                ReadResource(ref reader, state);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        builder.EndResource();
        reader = start;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "scopeLogs"u8, "scope_logs"u8))
            {
                if (StartArray(ref reader, "scopeLogs"))
                {
                    while (NextItem(ref reader))
                    {
                        ReadScopeLogs(ref reader, state);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadResource(ref Utf8JsonReader reader, State state)
    {
        JsonReading.Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, "resource");
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "attributes"u8, "attributes"u8))
            {
                ReadAttributes(ref reader, state, Target.Resource);
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadScopeLogs(ref Utf8JsonReader reader, State state)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, "scopeLogs[]");
        OtlpPushBuilder builder = state.Builder;
        Utf8JsonReader start = reader;
        builder.BeginScope();
        string name = string.Empty, version = string.Empty;
        uint dropped = 0;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "scope"u8, "scope"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                Expect(ref reader, JsonTokenType.StartObject, "scope");
                while (NextProperty(ref reader))
                {
                    if (Is(ref reader, "name"u8, "name"u8))
                    {
                        name = ReadStringOrEmpty(ref reader, state, "scope.name");
                    }
                    else if (Is(ref reader, "version"u8, "version"u8))
                    {
                        version = ReadStringOrEmpty(ref reader, state, "scope.version");
                    }
                    else if (Is(ref reader, "attributes"u8, "attributes"u8))
                    {
                        ReadAttributes(ref reader, state, Target.Scope);
                    }
                    else if (Is(ref reader, "droppedAttributesCount"u8, "dropped_attributes_count"u8))
                    {
                        dropped = (uint)ReadUnsigned(ref reader, "droppedAttributesCount", uint.MaxValue);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        builder.EndScope(name, version, dropped);
        reader = start;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "logRecords"u8, "log_records"u8))
            {
                if (StartArray(ref reader, "logRecords"))
                {
                    while (NextItem(ref reader))
                    {
                        ReadLogRecord(ref reader, state);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ReadLogRecord(ref Utf8JsonReader reader, State state)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, "logRecords[]");
        OtlpPushBuilder builder = state.Builder;
        builder.BeginRecord();
        var fields = default(OtlpRecordFields);
        fields.Reset();
        ReadOnlyMemory<byte> line = ReadOnlyMemory<byte>.Empty;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "timeUnixNano"u8, "time_unix_nano"u8))
            {
                fields.TimeUnixNano = ReadUnsigned(ref reader, "timeUnixNano", ulong.MaxValue);
            }
            else if (Is(ref reader, "observedTimeUnixNano"u8, "observed_time_unix_nano"u8))
            {
                fields.ObservedTimeUnixNano = ReadUnsigned(ref reader, "observedTimeUnixNano", ulong.MaxValue);
            }
            else if (Is(ref reader, "severityNumber"u8, "severity_number"u8))
            {
                fields.SeverityNumber = ReadSeverityNumber(ref reader);
            }
            else if (Is(ref reader, "severityText"u8, "severity_text"u8))
            {
                fields.SeverityText = ReadStringOrEmpty(ref reader, state, "severityText");
            }
            else if (Is(ref reader, "body"u8, "body"u8))
            {
                line = ReadBody(ref reader, state);
            }
            else if (Is(ref reader, "attributes"u8, "attributes"u8))
            {
                ReadAttributes(ref reader, state, Target.Record);
            }
            else if (Is(ref reader, "droppedAttributesCount"u8, "dropped_attributes_count"u8))
            {
                fields.DroppedAttributesCount = (uint)ReadUnsigned(ref reader, "droppedAttributesCount", uint.MaxValue);
            }
            else if (Is(ref reader, "flags"u8, "flags"u8))
            {
                fields.Flags = (uint)ReadUnsigned(ref reader, "flags", uint.MaxValue);
            }
            else if (Is(ref reader, "traceId"u8, "trace_id"u8))
            {
                fields.TraceId = ReadHexId(ref reader, 16, "traceId");
            }
            else if (Is(ref reader, "spanId"u8, "span_id"u8))
            {
                fields.SpanId = ReadHexId(ref reader, 8, "spanId");
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        builder.EndRecord(fields, line);
    }

    private static ReadOnlyMemory<byte> ReadBody(ref Utf8JsonReader reader, State state)
    {
        JsonReading.Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Expect(ref reader, JsonTokenType.StartObject, "body");
        ReadOnlyMemory<byte> line = ReadOnlyMemory<byte>.Empty;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "stringValue"u8, "string_value"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                Expect(ref reader, JsonTokenType.String, "body.stringValue");
                line = reader.ValueIsEscaped
                    ? JsonReading.ReadUtf8(ref reader, state.Arena)
                    : state.Json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            }
            else
            {
                object? value = ReadValueMember(ref reader, state, 0, out bool known);
                if (known)
                {
                    string text = value switch
                    {
                        null => string.Empty,
                        string s => s,
                        long n => n.ToString(CultureInfo.InvariantCulture),
                        double d => OtlpValueFormat.Double(d),
                        bool b => OtlpValueFormat.Bool(b),
                        byte[] bytes => Convert.ToBase64String(bytes),
                        _ => OtlpValueFormat.ToJson(value),
                    };
                    line = text.Length == 0 ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(text);
                }
            }
        }

        return line;
    }

    private static void ReadAttributes(ref Utf8JsonReader reader, State state, Target target)
    {
        if (!StartArray(ref reader, "attributes"))
        {
            return;
        }

        while (NextItem(ref reader))
        {
            ReadKeyValue(ref reader, state, target, null, null, 0);
        }
    }

    /// <summary>Reads one attribute object (<c>{"key":…,"value":{…}}</c>); key/value list values are flattened.</summary>
    private static void ReadKeyValue(ref Utf8JsonReader reader, State state, Target target, string? topLevel, string? prefix, int depth)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, "attribute");
        string key = string.Empty;
        object? value = null;
        bool flattenedLater = false;
        Utf8JsonReader kvlistStart = default;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "key"u8, "key"u8))
            {
                key = ReadStringOrEmpty(ref reader, state, "attribute key");
            }
            else if (Is(ref reader, "value"u8, "value"u8))
            {
                JsonReading.Read(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                Expect(ref reader, JsonTokenType.StartObject, "attribute value");
                value = null;
                flattenedLater = false;
                while (NextProperty(ref reader))
                {
                    if (Is(ref reader, "kvlistValue"u8, "kvlist_value"u8))
                    {
                        // Flattened once the key is known (it may come after the value).
                        JsonReading.Read(ref reader);
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            continue;
                        }

                        Expect(ref reader, JsonTokenType.StartObject, "kvlistValue");
                        kvlistStart = reader;
                        flattenedLater = true;
                        reader.Skip();
                    }
                    else
                    {
                        object? member = ReadValueMember(ref reader, state, depth, out bool known);
                        if (known)
                        {
                            value = member;
                            flattenedLater = false;
                        }
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        string name = prefix is null ? state.Builder.Strings.LabelName(key) : OtlpLabelNames.Join(prefix, key);
        topLevel ??= key;
        if (flattenedLater)
        {
            if (depth >= OtlpProtobufDecoder.MaxNesting)
            {
                throw new PushRequestException(400, $"AnyValue nested deeper than {OtlpProtobufDecoder.MaxNesting} levels");
            }

            Utf8JsonReader list = kvlistStart;
            while (NextProperty(ref list))
            {
                if (Is(ref list, "values"u8, "values"u8))
                {
                    if (StartArray(ref list, "kvlistValue.values"))
                    {
                        while (NextItem(ref list))
                        {
                            ReadKeyValue(ref list, state, target, topLevel, name, depth + 1);
                        }
                    }
                }
                else
                {
                    SkipValue(ref list);
                }
            }

            return;
        }

        string text = value switch
        {
            null => string.Empty,
            string s => s,
            long n => IntText(n, state),
            double d => OtlpValueFormat.Double(d),
            bool b => OtlpValueFormat.Bool(b),
            byte[] bytes => Convert.ToBase64String(bytes),
            _ => OtlpValueFormat.ToJson(value),
        };
        switch (target)
        {
            case Target.Resource:
                state.Builder.AddResourceAttribute(topLevel, name, text);
                break;
            case Target.Scope:
                state.Builder.AddScopeAttribute(name, text);
                break;
            default:
                state.Builder.AddRecordAttribute(name, text);
                break;
        }
    }

    private static string IntText(long number, State state)
    {
        Span<char> chars = stackalloc char[20];
        number.TryFormat(chars, out int written, default, CultureInfo.InvariantCulture);
        return state.Builder.Strings.Text(chars[..written]);
    }

    /// <summary>
    /// Reads the member of an <c>AnyValue</c> object the reader is on; <paramref name="known"/> is false for an
    /// unknown member (skipped) or a null one. Returns the value-tree form (see <see cref="OtlpValueFormat"/>).
    /// </summary>
    private static object? ReadValueMember(ref Utf8JsonReader reader, State state, int depth, out bool known)
    {
        known = true;
        if (Is(ref reader, "stringValue"u8, "string_value"u8))
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                known = false;
                return null;
            }

            Expect(ref reader, JsonTokenType.String, "stringValue");
            return reader.ValueIsEscaped ? reader.GetString()! : state.Builder.Strings.Text(reader.ValueSpan);
        }

        if (Is(ref reader, "boolValue"u8, "bool_value"u8))
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
            {
                return reader.GetBoolean();
            }

            known = reader.TokenType != JsonTokenType.Null;
            return known ? throw Invalid("boolValue", "a boolean") : null;
        }

        if (Is(ref reader, "intValue"u8, "int_value"u8))
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                known = false;
                return null;
            }

            return ReadInt64(ref reader, "intValue");
        }

        if (Is(ref reader, "doubleValue"u8, "double_value"u8))
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                known = false;
                return null;
            }

            return ReadDouble(ref reader);
        }

        if (Is(ref reader, "bytesValue"u8, "bytes_value"u8))
        {
            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                known = false;
                return null;
            }

            Expect(ref reader, JsonTokenType.String, "bytesValue");
            return DecodeBase64(reader.GetString()!);
        }

        if (Is(ref reader, "arrayValue"u8, "array_value"u8) || Is(ref reader, "kvlistValue"u8, "kvlist_value"u8))
        {
            bool isArray = Is(ref reader, "arrayValue"u8, "array_value"u8);
            if (depth >= OtlpProtobufDecoder.MaxNesting)
            {
                throw new PushRequestException(400, $"AnyValue nested deeper than {OtlpProtobufDecoder.MaxNesting} levels");
            }

            JsonReading.Read(ref reader);
            if (reader.TokenType == JsonTokenType.Null)
            {
                known = false;
                return null;
            }

            Expect(ref reader, JsonTokenType.StartObject, isArray ? "arrayValue" : "kvlistValue");
            var items = new List<object?>();
            var entries = new List<KeyValuePair<string, object?>>();
            while (NextProperty(ref reader))
            {
                if (Is(ref reader, "values"u8, "values"u8) && StartArray(ref reader, "values"))
                {
                    while (NextItem(ref reader))
                    {
                        if (isArray)
                        {
                            items.Add(ReadTreeValue(ref reader, state, depth + 1));
                        }
                        else
                        {
                            entries.Add(ReadTreeEntry(ref reader, state, depth + 1));
                        }
                    }
                }
                else if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    SkipValue(ref reader);
                }
            }

            return isArray ? items : entries;
        }

        known = false;
        SkipValue(ref reader);
        return null;
    }

    /// <summary>Reads a whole <c>AnyValue</c> object (the reader on its start) into the value tree.</summary>
    private static object? ReadTreeValue(ref Utf8JsonReader reader, State state, int depth)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.StartObject, "value");
        object? value = null;
        while (NextProperty(ref reader))
        {
            object? member = ReadValueMember(ref reader, state, depth, out bool known);
            if (known)
            {
                value = member;
            }
        }

        return value;
    }

    private static KeyValuePair<string, object?> ReadTreeEntry(ref Utf8JsonReader reader, State state, int depth)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return new KeyValuePair<string, object?>(string.Empty, null);
        }

        Expect(ref reader, JsonTokenType.StartObject, "key/value");
        string key = string.Empty;
        object? value = null;
        while (NextProperty(ref reader))
        {
            if (Is(ref reader, "key"u8, "key"u8))
            {
                key = ReadStringOrEmpty(ref reader, state, "key");
            }
            else if (Is(ref reader, "value"u8, "value"u8))
            {
                JsonReading.Read(ref reader);
                value = ReadTreeValue(ref reader, state, depth);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return new KeyValuePair<string, object?>(key, value);
    }

    private static string ReadStringOrEmpty(ref Utf8JsonReader reader, State state, string what)
    {
        JsonReading.Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return string.Empty;
        }

        Expect(ref reader, JsonTokenType.String, what);
        return reader.ValueIsEscaped ? reader.GetString()! : state.Builder.Strings.Text(reader.ValueSpan);
    }

    /// <summary>An unsigned integer given as a JSON number or a decimal string (protobuf JSON allows both).</summary>
    private static ulong ReadUnsigned(ref Utf8JsonReader reader, string what, ulong max)
    {
        JsonReading.Read(ref reader);
        ulong value;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return 0;
            case JsonTokenType.Number:
                if (!reader.TryGetUInt64(out value))
                {
                    throw Invalid(what, "an unsigned integer");
                }

                break;
            case JsonTokenType.String:
                if (reader.ValueIsEscaped || !Utf8Parser.TryParse(reader.ValueSpan, out value, out int consumed) || consumed != reader.ValueSpan.Length || consumed == 0)
                {
                    throw Invalid(what, "an unsigned integer");
                }

                break;
            default:
                throw Invalid(what, "an unsigned integer");
        }

        return value <= max ? value : throw Invalid(what, "an integer in range");
    }

    private static long ReadInt64(ref Utf8JsonReader reader, string what)
    {
        long value;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!reader.TryGetInt64(out value))
                {
                    throw Invalid(what, "a 64-bit integer");
                }

                return value;
            case JsonTokenType.String:
                if (!JsonReading.TryParseInt64(ref reader, out value))
                {
                    throw Invalid(what, "a 64-bit integer");
                }

                return value;
            default:
                throw Invalid(what, "a 64-bit integer");
        }
    }

    private static double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDouble();
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            string text = reader.GetString()!;
            return text switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : throw Invalid("doubleValue", "a number"),
            };
        }

        throw Invalid("doubleValue", "a number");
    }

    private static int ReadSeverityNumber(ref Utf8JsonReader reader)
    {
        JsonReading.Read(ref reader);
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return 0;
            case JsonTokenType.Number:
                return reader.TryGetInt32(out int number) ? number : throw Invalid("severityNumber", "an enum number");
            case JsonTokenType.String:
                {
                    int index = Array.IndexOf(SeverityNames, reader.GetString());
                    return index >= 0 ? index : throw Invalid("severityNumber", "an enum number");
                }

            default:
                throw Invalid("severityNumber", "an enum number");
        }
    }

    private static readonly string[] SeverityNames =
    [
        "SEVERITY_NUMBER_UNSPECIFIED",
        "SEVERITY_NUMBER_TRACE", "SEVERITY_NUMBER_TRACE2", "SEVERITY_NUMBER_TRACE3", "SEVERITY_NUMBER_TRACE4",
        "SEVERITY_NUMBER_DEBUG", "SEVERITY_NUMBER_DEBUG2", "SEVERITY_NUMBER_DEBUG3", "SEVERITY_NUMBER_DEBUG4",
        "SEVERITY_NUMBER_INFO", "SEVERITY_NUMBER_INFO2", "SEVERITY_NUMBER_INFO3", "SEVERITY_NUMBER_INFO4",
        "SEVERITY_NUMBER_WARN", "SEVERITY_NUMBER_WARN2", "SEVERITY_NUMBER_WARN3", "SEVERITY_NUMBER_WARN4",
        "SEVERITY_NUMBER_ERROR", "SEVERITY_NUMBER_ERROR2", "SEVERITY_NUMBER_ERROR3", "SEVERITY_NUMBER_ERROR4",
        "SEVERITY_NUMBER_FATAL", "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3", "SEVERITY_NUMBER_FATAL4",
    ];

    /// <summary>A trace or span id in hex (OTLP/JSON); null when empty or all zeros.</summary>
    private static string? ReadHexId(ref Utf8JsonReader reader, int length, string what)
    {
        JsonReading.Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref reader, JsonTokenType.String, what);
        ReadOnlySpan<byte> hex = reader.ValueSpan;
        if (hex.IsEmpty)
        {
            return null;
        }

        Span<byte> id = stackalloc byte[16];
        if (reader.ValueIsEscaped || hex.Length != length * 2 || !TryDecodeHex(hex, id[..length]))
        {
            throw new PushRequestException(400, $"invalid JSON: {what}: expected {length * 2} hex digits");
        }

        return id[..length].IndexOfAnyExcept((byte)0) < 0 ? null : OtlpValueFormat.Hex(id[..length]);
    }

    private static bool TryDecodeHex(ReadOnlySpan<byte> hex, Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            int high = HexDigit(hex[2 * i]), low = HexDigit(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            bytes[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static byte[] DecodeBase64(string text)
    {
        // protobuf JSON accepts standard and URL-safe base64, padded or not.
        string normalized = text.Replace('-', '+').Replace('_', '/');
        int pad = (4 - (normalized.Length % 4)) % 4;
        if (pad == 3)
        {
            throw Invalid("bytesValue", "base64");
        }

        try
        {
            return Convert.FromBase64String(normalized + new string('=', pad));
        }
        catch (FormatException e)
        {
            throw new PushRequestException(400, "invalid JSON: bytesValue: expected base64", e);
        }
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> camel, ReadOnlySpan<byte> snake) =>
        reader.ValueTextEquals(camel) || (snake != camel && reader.ValueTextEquals(snake));

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        JsonReading.Read(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.PropertyName => true,
            JsonTokenType.EndObject => false,
            _ => throw new PushRequestException(400, $"invalid JSON: expected a property name, found {JsonReading.Describe(reader.TokenType)}"),
        };
    }

    /// <summary>Reads the value after a property name; true when it is an array (null means absent).</summary>
    private static bool StartArray(ref Utf8JsonReader reader, string what)
    {
        JsonReading.Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref reader, JsonTokenType.StartArray, what);
        return true;
    }

    /// <summary>Moves to the next array item; false at the array's end.</summary>
    private static bool NextItem(ref Utf8JsonReader reader)
    {
        JsonReading.Read(ref reader);
        return reader.TokenType != JsonTokenType.EndArray;
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        JsonReading.Read(ref reader);
        reader.Skip();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new PushRequestException(400, $"invalid JSON: {what}: expected {JsonReading.Describe(type)}, found {JsonReading.Describe(reader.TokenType)}");
        }
    }

    private static PushRequestException Invalid(string what, string expected) => new(400, $"invalid JSON: {what}: expected {expected}");

    private enum Target
    {
        Resource,
        Scope,
        Record,
    }

    private sealed class State(ReadOnlyMemory<byte> json, OtlpPushBuilder builder)
    {
        public ReadOnlyMemory<byte> Json { get; } = json;

        public OtlpPushBuilder Builder { get; } = builder;

        public LineArena Arena { get; } = new();
    }
}
