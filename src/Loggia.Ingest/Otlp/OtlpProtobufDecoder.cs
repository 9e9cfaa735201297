using System.Text;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Decodes an OTLP <c>ExportLogsServiceRequest</c> (opentelemetry-proto <c>collector/logs/v1</c>) by hand from a
/// span and maps it to Loki streams with <see cref="OtlpPushBuilder"/>.
/// </summary>
/// <remarks>
/// <para>Fields read (others are skipped, as protobuf requires):</para>
/// <code>
/// ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
/// ResourceLogs  { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
/// Resource      { repeated KeyValue attributes = 1; }
/// ScopeLogs     { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
/// InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
/// LogRecord     { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; SeverityNumber severity_number = 2;
///                 string severity_text = 3; AnyValue body = 5; repeated KeyValue attributes = 6;
///                 uint32 dropped_attributes_count = 7; fixed32 flags = 8; bytes trace_id = 9; bytes span_id = 10; }
/// KeyValue      { string key = 1; AnyValue value = 2; }
/// AnyValue      { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
///                 ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
/// ArrayValue / KeyValueList { repeated AnyValue / KeyValue values = 1; }
/// </code>
/// <para>
/// A resource's and a scope's own fields are read before their records whatever the field order. String bodies are
/// slices of <c>message</c> (no copy); other bodies are rendered as Loki renders them. Nesting deeper than
/// <see cref="MaxNesting"/> values, a wrong wire type, a truncated field or an id of the wrong length fails the
/// request with a 400 <see cref="PushRequestException"/>.
/// </para>
/// </remarks>
public static class OtlpProtobufDecoder
{
    /// <summary>The deepest nesting of array and key/value list values accepted.</summary>
    public const int MaxNesting = 32;

    /// <summary>Decodes an uncompressed <c>ExportLogsServiceRequest</c>; lines may be slices of <paramref name="message"/>.</summary>
    /// <exception cref="PushRequestException">The message is not a valid request (400).</exception>
    public static PushRequest Decode(ReadOnlyMemory<byte> message, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new OtlpPushBuilder(timeProvider);
        var reader = new ProtoReader(message.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("ExportLogsServiceRequest", out int wireType);
            if (field == 1)
            {
                ReadOnlyMemory<byte> resourceLogs = Embedded(ref reader, message, wireType, "ResourceLogs");
                ReadResourceLogs(resourceLogs, builder);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return builder.Build();
    }

    private static ReadOnlyMemory<byte> Embedded(scoped ref ProtoReader reader, ReadOnlyMemory<byte> owner, int wireType, string field)
    {
        if (wireType != ProtoReader.WireLengthDelimited)
        {
            throw ProtoReader.WrongWireType(wireType, field);
        }

        ReadOnlySpan<byte> bytes = reader.ReadLengthDelimited(out int start);
        return owner.Slice(start, bytes.Length);
    }

    private static ReadOnlySpan<byte> Bytes(scoped ref ProtoReader reader, int wireType, string field)
    {
        if (wireType != ProtoReader.WireLengthDelimited)
        {
            throw ProtoReader.WrongWireType(wireType, field);
        }

        return reader.ReadLengthDelimited(out _);
    }

    private static ulong Varint(scoped ref ProtoReader reader, int wireType, string field)
    {
        if (wireType != ProtoReader.WireVarint)
        {
            throw ProtoReader.WrongWireType(wireType, field);
        }

        return reader.ReadVarint();
    }

    private static void ReadResourceLogs(ReadOnlyMemory<byte> data, OtlpPushBuilder builder)
    {
        // The resource first (whatever the field order), then the scopes and their records.
        builder.BeginResource();
        var reader = new ProtoReader(data.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("ResourceLogs", out int wireType);
            if (field == 1)
            {
                ReadResource(Bytes(ref reader, wireType, "Resource"), builder);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        builder.EndResource();
        reader = new ProtoReader(data.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("ResourceLogs", out int wireType);
            if (field == 2)
            {
                ReadScopeLogs(Embedded(ref reader, data, wireType, "ScopeLogs"), builder);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadResource(ReadOnlySpan<byte> data, OtlpPushBuilder builder)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("Resource", out int wireType);
            if (field == 1)
            {
                ReadKeyValue(Bytes(ref reader, wireType, "Attributes"), builder, AttributeTarget.Resource, null, null, 0);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadScopeLogs(ReadOnlyMemory<byte> data, OtlpPushBuilder builder)
    {
        builder.BeginScope();
        string name = string.Empty, version = string.Empty;
        uint dropped = 0;
        var reader = new ProtoReader(data.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("ScopeLogs", out int wireType);
            if (field == 1)
            {
                ReadScope(Bytes(ref reader, wireType, "Scope"), builder, ref name, ref version, ref dropped);
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        builder.EndScope(name, version, dropped);
        reader = new ProtoReader(data.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("ScopeLogs", out int wireType);
            if (field == 2)
            {
                ReadLogRecord(Embedded(ref reader, data, wireType, "LogRecords"), builder);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadScope(ReadOnlySpan<byte> data, OtlpPushBuilder builder, ref string name, ref string version, ref uint dropped)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("InstrumentationScope", out int wireType);
            switch (field)
            {
                case 1:
                    name = builder.Strings.Text(Bytes(ref reader, wireType, "Name"));
                    break;
                case 2:
                    version = builder.Strings.Text(Bytes(ref reader, wireType, "Version"));
                    break;
                case 3:
                    ReadKeyValue(Bytes(ref reader, wireType, "Attributes"), builder, AttributeTarget.Scope, null, null, 0);
                    break;
                case 4:
                    dropped = unchecked((uint)Varint(ref reader, wireType, "DroppedAttributesCount"));
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
    }

    private static void ReadLogRecord(ReadOnlyMemory<byte> data, OtlpPushBuilder builder)
    {
        builder.BeginRecord();
        var fields = default(OtlpRecordFields);
        fields.Reset();
        int bodyStart = -1, bodyLength = 0;
        var reader = new ProtoReader(data.Span);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("LogRecord", out int wireType);
            switch (field)
            {
                case 1:
                    fields.TimeUnixNano = Fixed64(ref reader, wireType, "TimeUnixNano");
                    break;
                case 11:
                    fields.ObservedTimeUnixNano = Fixed64(ref reader, wireType, "ObservedTimeUnixNano");
                    break;
                case 2:
                    fields.SeverityNumber = unchecked((int)Varint(ref reader, wireType, "SeverityNumber"));
                    break;
                case 3:
                    fields.SeverityText = builder.Strings.Text(Bytes(ref reader, wireType, "SeverityText"));
                    break;
                case 5:
                    {
                        ReadOnlySpan<byte> body = Bytes(ref reader, wireType, "Body");
                        bodyStart = reader.Position - body.Length;
                        bodyLength = body.Length;
                        break;
                    }

                case 6:
                    ReadKeyValue(Bytes(ref reader, wireType, "Attributes"), builder, AttributeTarget.Record, null, null, 0);
                    break;
                case 7:
                    fields.DroppedAttributesCount = unchecked((uint)Varint(ref reader, wireType, "DroppedAttributesCount"));
                    break;
                case 8:
                    if (wireType != ProtoReader.WireFixed32)
                    {
                        throw ProtoReader.WrongWireType(wireType, "Flags");
                    }

                    fields.Flags = reader.ReadFixed32();
                    break;
                case 9:
                    fields.TraceId = Id(Bytes(ref reader, wireType, "TraceId"), 16, "trace_id");
                    break;
                case 10:
                    fields.SpanId = Id(Bytes(ref reader, wireType, "SpanId"), 8, "span_id");
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        ReadOnlyMemory<byte> line = bodyStart < 0 ? ReadOnlyMemory<byte>.Empty : BodyLine(data.Slice(bodyStart, bodyLength), builder);
        builder.EndRecord(fields, line);
    }

    private static ulong Fixed64(scoped ref ProtoReader reader, int wireType, string field)
    {
        if (wireType != ProtoReader.WireFixed64)
        {
            throw ProtoReader.WrongWireType(wireType, field);
        }

        return reader.ReadFixed64();
    }

    /// <summary>A trace or span id as lower-case hex; null when empty or all zeros (Loki omits those).</summary>
    private static string? Id(ReadOnlySpan<byte> bytes, int length, string name)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        if (bytes.Length != length)
        {
            throw ProtoReader.Error($"invalid {name}: {bytes.Length} bytes, must be {length}");
        }

        return bytes.IndexOfAnyExcept((byte)0) < 0 ? null : OtlpValueFormat.Hex(bytes);
    }

    /// <summary>The body as a line: a string body is a slice of the message; anything else is rendered.</summary>
    private static ReadOnlyMemory<byte> BodyLine(ReadOnlyMemory<byte> anyValue, OtlpPushBuilder builder)
    {
        var value = AnyValue.Read(anyValue.Span);
        if (value.Kind == AnyValue.String)
        {
            return anyValue.Slice(value.Start, value.Length);
        }

        string text = Render(value, anyValue.Span, builder, 0);
        return text.Length == 0 ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>
    /// Reads one attribute and hands it to the builder; a key/value list value is flattened into one attribute per
    /// leaf, named <c>prefix_key</c> (Loki's <c>attributeToLabels</c>).
    /// </summary>
    private static void ReadKeyValue(ReadOnlySpan<byte> data, OtlpPushBuilder builder, AttributeTarget target, string? topLevel, string? prefix, int depth)
    {
        ReadOnlySpan<byte> key = default;
        ReadOnlySpan<byte> valueBytes = default;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("KeyValue", out int wireType);
            if (field == 1)
            {
                key = Bytes(ref reader, wireType, "Key");
            }
            else if (field == 2)
            {
                valueBytes = Bytes(ref reader, wireType, "Value");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        string keyText = builder.Strings.Text(key);
        string name = prefix is null ? builder.Strings.LabelName(keyText) : OtlpLabelNames.Join(prefix, keyText);
        topLevel ??= keyText;
        var value = AnyValue.Read(valueBytes);
        if (value.Kind == AnyValue.KeyValueList)
        {
            if (depth >= MaxNesting)
            {
                throw TooDeep();
            }

            var list = new ProtoReader(valueBytes.Slice(value.Start, value.Length));
            while (!list.AtEnd)
            {
                int field = list.ReadTag("KeyValueList", out int wireType);
                if (field == 1)
                {
                    ReadKeyValue(Bytes(ref list, wireType, "Values"), builder, target, topLevel, name, depth + 1);
                }
                else
                {
                    list.Skip(wireType);
                }
            }

            return;
        }

        string text = Render(value, valueBytes, builder, depth);
        switch (target)
        {
            case AttributeTarget.Resource:
                builder.AddResourceAttribute(topLevel, name, text);
                break;
            case AttributeTarget.Scope:
                builder.AddScopeAttribute(name, text);
                break;
            default:
                builder.AddRecordAttribute(name, text);
                break;
        }
    }

    private static string Render(in AnyValue value, ReadOnlySpan<byte> data, OtlpPushBuilder builder, int depth) => value.Kind switch
    {
        AnyValue.String => builder.Strings.Text(data.Slice(value.Start, value.Length)),
        AnyValue.Bool => OtlpValueFormat.Bool(value.Scalar != 0),
        AnyValue.Int => IntText(unchecked((long)value.Scalar), builder),
        AnyValue.Double => OtlpValueFormat.Double(BitConverter.UInt64BitsToDouble(value.Scalar)),
        AnyValue.Bytes => Convert.ToBase64String(data.Slice(value.Start, value.Length)),
        AnyValue.Array or AnyValue.KeyValueList => OtlpValueFormat.ToJson(ToTree(value, data, depth)),
        _ => string.Empty,
    };

    private static string IntText(long number, OtlpPushBuilder builder)
    {
        Span<char> chars = stackalloc char[20];
        number.TryFormat(chars, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        return builder.Strings.Text(chars[..written]);
    }

    /// <summary>Builds the value tree <see cref="OtlpValueFormat.ToJson"/> prints (the slow path for complex values).</summary>
    private static object? ToTree(in AnyValue value, ReadOnlySpan<byte> data, int depth)
    {
        switch (value.Kind)
        {
            case AnyValue.String:
                return Encoding.UTF8.GetString(data.Slice(value.Start, value.Length));
            case AnyValue.Bool:
                return value.Scalar != 0;
            case AnyValue.Int:
                return unchecked((long)value.Scalar);
            case AnyValue.Double:
                return BitConverter.UInt64BitsToDouble(value.Scalar);
            case AnyValue.Bytes:
                return data.Slice(value.Start, value.Length).ToArray();
            case AnyValue.Array:
                {
                    if (depth >= MaxNesting)
                    {
                        throw TooDeep();
                    }

                    var items = new List<object?>();
                    var reader = new ProtoReader(data.Slice(value.Start, value.Length));
                    while (!reader.AtEnd)
                    {
                        int field = reader.ReadTag("ArrayValue", out int wireType);
                        if (field == 1)
                        {
                            ReadOnlySpan<byte> item = Bytes(ref reader, wireType, "Values");
                            items.Add(ToTree(AnyValue.Read(item), item, depth + 1));
                        }
                        else
                        {
                            reader.Skip(wireType);
                        }
                    }

                    return items;
                }

            case AnyValue.KeyValueList:
                {
                    if (depth >= MaxNesting)
                    {
                        throw TooDeep();
                    }

                    var entries = new List<KeyValuePair<string, object?>>();
                    var reader = new ProtoReader(data.Slice(value.Start, value.Length));
                    while (!reader.AtEnd)
                    {
                        int field = reader.ReadTag("KeyValueList", out int wireType);
                        if (field == 1)
                        {
                            entries.Add(ReadTreeEntry(Bytes(ref reader, wireType, "Values"), depth + 1));
                        }
                        else
                        {
                            reader.Skip(wireType);
                        }
                    }

                    return entries;
                }

            default:
                return null;
        }
    }

    private static KeyValuePair<string, object?> ReadTreeEntry(ReadOnlySpan<byte> data, int depth)
    {
        string key = string.Empty;
        ReadOnlySpan<byte> valueBytes = default;
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            int field = reader.ReadTag("KeyValue", out int wireType);
            if (field == 1)
            {
                key = Encoding.UTF8.GetString(Bytes(ref reader, wireType, "Key"));
            }
            else if (field == 2)
            {
                valueBytes = Bytes(ref reader, wireType, "Value");
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return new KeyValuePair<string, object?>(key, ToTree(AnyValue.Read(valueBytes), valueBytes, depth));
    }

    private static PushRequestException TooDeep() => ProtoReader.Error($"AnyValue nested deeper than {MaxNesting} levels");

    private enum AttributeTarget
    {
        Resource,
        Scope,
        Record,
    }

    /// <summary>One decoded <c>AnyValue</c>: its kind and either a scalar or the slice of its bytes.</summary>
    private readonly struct AnyValue
    {
        public const int Empty = 0;
        public const int String = 1;
        public const int Bool = 2;
        public const int Int = 3;
        public const int Double = 4;
        public const int Array = 5;
        public const int KeyValueList = 6;
        public const int Bytes = 7;

        private AnyValue(int kind, ulong scalar, int start, int length)
        {
            Kind = kind;
            Scalar = scalar;
            Start = start;
            Length = length;
        }

        public int Kind { get; }

        public ulong Scalar { get; }

        public int Start { get; }

        public int Length { get; }

        /// <summary>Reads an <c>AnyValue</c> message; the last field of the oneof wins, as in protobuf.</summary>
        public static AnyValue Read(ReadOnlySpan<byte> data)
        {
            var result = default(AnyValue);
            var reader = new ProtoReader(data);
            while (!reader.AtEnd)
            {
                int field = reader.ReadTag("AnyValue", out int wireType);
                switch (field)
                {
                    case String or Array or KeyValueList or Bytes:
                        {
                            ReadOnlySpan<byte> bytes = OtlpProtobufDecoder.Bytes(ref reader, wireType, field switch
                            {
                                String => "StringValue",
                                Array => "ArrayValue",
                                KeyValueList => "KvlistValue",
                                _ => "BytesValue",
                            });
                            result = new AnyValue(field, 0, reader.Position - bytes.Length, bytes.Length);
                            break;
                        }

                    case Bool:
                        result = new AnyValue(Bool, Varint(ref reader, wireType, "BoolValue") != 0 ? 1UL : 0UL, 0, 0);
                        break;
                    case Int:
                        result = new AnyValue(Int, Varint(ref reader, wireType, "IntValue"), 0, 0);
                        break;
                    case Double:
                        result = new AnyValue(Double, Fixed64(ref reader, wireType, "DoubleValue"), 0, 0);
                        break;
                    default:
                        reader.Skip(wireType);
                        break;
                }
            }

            return result;
        }
    }
}
