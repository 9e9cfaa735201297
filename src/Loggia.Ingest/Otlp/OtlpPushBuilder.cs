using System.Globalization;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;

namespace Loggia.Ingest.Otlp;

/// <summary>
/// Turns decoded OpenTelemetry logs into Loki streams, the mapping both OTLP decoders share (Loki 3's
/// <c>otlpToLokiPushRequest</c>): index resource attributes become the stream's labels (with
/// <c>service_name</c> always present), other resource attributes, scope fields and attributes, log attributes and
/// record fields become structured metadata, and records of resources with the same labels share one stream.
/// </summary>
/// <remarks>
/// Call order: <see cref="BeginResource"/>, attributes, <see cref="EndResource"/>; then per scope
/// <see cref="BeginScope"/>, attributes, <see cref="EndScope"/>; then per record its attributes and
/// <see cref="EndRecord"/>. Structured metadata of a record, in Loki's order: log attributes,
/// <c>observed_timestamp</c>, <c>severity_number</c>, <c>severity_text</c>, <c>dropped_attributes_count</c>,
/// <c>flags</c>, <c>trace_id</c>, <c>span_id</c>, then the resource's, then the scope's.
/// </remarks>
internal sealed class OtlpPushBuilder
{
    private readonly Dictionary<string, StreamAccumulator> _streams = new(StringComparer.Ordinal);
    private readonly List<StreamAccumulator> _order = [];
    private readonly List<LabelPair> _resourceLabels = [];
    private readonly List<LabelPair> _resourceMetadata = [];
    private readonly List<LabelPair> _scopeMetadata = [];
    private readonly List<LabelPair> _recordMetadata = [];
    private readonly long _nowNanos;
    private LabelPair[] _resourceMetadataArray = [];
    private LabelPair[] _scopeMetadataArray = [];
    private StreamAccumulator? _current;
    private string? _discoveredServiceName;
    private bool _hasServiceName;

    public OtlpPushBuilder(TimeProvider timeProvider)
    {
        _nowNanos = (timeProvider.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
    }

    public OtlpStringCache Strings { get; } = new();

    public int RecordCount { get; private set; }

    public void BeginResource()
    {
        _resourceLabels.Clear();
        _resourceMetadata.Clear();
        _discoveredServiceName = null;
        _hasServiceName = false;
    }

    /// <summary>Adds one (flattened) resource attribute; <paramref name="topLevelName"/> is the attribute's name as sent.</summary>
    public void AddResourceAttribute(string topLevelName, string labelName, string value)
    {
        if (!OtlpLabelNames.IsIndexAttribute(topLevelName))
        {
            _resourceMetadata.Add(new LabelPair(labelName, value));
            return;
        }

        if (string.Equals(topLevelName, OtlpLabelNames.ServiceNameAttribute, StringComparison.Ordinal) && value.Length > 0)
        {
            _hasServiceName = true;
        }
        else if (_discoveredServiceName is null && value.Length > 0 && OtlpLabelNames.IsServiceNameDiscoveryLabel(labelName))
        {
            _discoveredServiceName = value;
        }

        // A label set: a repeated name keeps the last value.
        for (int i = 0; i < _resourceLabels.Count; i++)
        {
            if (string.Equals(_resourceLabels[i].Name, labelName, StringComparison.Ordinal))
            {
                _resourceLabels[i] = new LabelPair(labelName, value);
                return;
            }
        }

        _resourceLabels.Add(new LabelPair(labelName, value));
    }

    public void EndResource()
    {
        if (!_hasServiceName)
        {
            SetLabel(OtlpLabelNames.ServiceName, _discoveredServiceName ?? OtlpLabelNames.UnknownService);
        }

        Labels labels = Labels.Create(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_resourceLabels));
        string key = labels.ToString();
        if (!_streams.TryGetValue(key, out StreamAccumulator? stream))
        {
            stream = new StreamAccumulator(key, labels);
            _streams.Add(key, stream);
            _order.Add(stream);
        }

        _current = stream;
        _resourceMetadataArray = [.. _resourceMetadata];
        _scopeMetadataArray = [];
    }

    public void BeginScope() => _scopeMetadata.Clear();

    public void AddScopeAttribute(string labelName, string value) => _scopeMetadata.Add(new LabelPair(labelName, value));

    public void EndScope(string name, string version, uint droppedAttributesCount)
    {
        if (name.Length > 0)
        {
            _scopeMetadata.Add(new LabelPair("scope_name", name));
        }

        if (version.Length > 0)
        {
            _scopeMetadata.Add(new LabelPair("scope_version", version));
        }

        if (droppedAttributesCount != 0)
        {
            _scopeMetadata.Add(new LabelPair("scope_dropped_attributes_count", droppedAttributesCount.ToString(CultureInfo.InvariantCulture)));
        }

        _scopeMetadataArray = [.. _scopeMetadata];
    }

    public void BeginRecord() => _recordMetadata.Clear();

    public void AddRecordAttribute(string labelName, string value) => _recordMetadata.Add(new LabelPair(labelName, value));

    /// <summary>Completes a record; ids are 0 bytes (absent) or 16/8 bytes (checked by the decoders).</summary>
    public void EndRecord(in OtlpRecordFields fields, ReadOnlyMemory<byte> line)
    {
        if (_current is null)
        {
            throw new InvalidOperationException("EndResource must come before records.");
        }

        if (fields.TimeUnixNano != 0 && fields.ObservedTimeUnixNano != 0)
        {
            _recordMetadata.Add(new LabelPair("observed_timestamp", unchecked((long)fields.ObservedTimeUnixNano).ToString(CultureInfo.InvariantCulture)));
        }

        if (fields.SeverityNumber != 0)
        {
            _recordMetadata.Add(new LabelPair("severity_number", SeverityNumberText(fields.SeverityNumber)));
        }

        if (fields.SeverityText.Length > 0)
        {
            _recordMetadata.Add(new LabelPair("severity_text", fields.SeverityText));
        }

        if (fields.DroppedAttributesCount != 0)
        {
            _recordMetadata.Add(new LabelPair("dropped_attributes_count", fields.DroppedAttributesCount.ToString(CultureInfo.InvariantCulture)));
        }

        if (fields.Flags != 0)
        {
            _recordMetadata.Add(new LabelPair("flags", fields.Flags.ToString(CultureInfo.InvariantCulture)));
        }

        if (fields.TraceId is { } traceId)
        {
            _recordMetadata.Add(new LabelPair("trace_id", traceId));
        }

        if (fields.SpanId is { } spanId)
        {
            _recordMetadata.Add(new LabelPair("span_id", spanId));
        }

        int total = _recordMetadata.Count + _resourceMetadataArray.Length + _scopeMetadataArray.Length;
        LabelPair[] metadata = total == 0 ? [] : new LabelPair[total];
        _recordMetadata.CopyTo(metadata);
        _resourceMetadataArray.CopyTo(metadata, _recordMetadata.Count);
        _scopeMetadataArray.CopyTo(metadata, _recordMetadata.Count + _resourceMetadataArray.Length);

        long timestamp = fields.TimeUnixNano != 0 ? unchecked((long)fields.TimeUnixNano)
            : fields.ObservedTimeUnixNano != 0 ? unchecked((long)fields.ObservedTimeUnixNano)
            : _nowNanos;
        _current.Entries.Add(new LogEntry(timestamp, line, metadata));
        RecordCount++;
    }

    public PushRequest Build()
    {
        if (_order.Count == 0)
        {
            return PushRequest.Empty;
        }

        var streams = new List<PushStream>(_order.Count);
        foreach (StreamAccumulator stream in _order)
        {
            if (stream.Entries.Count > 0)
            {
                streams.Add(new PushStream(stream.Key, stream.Labels, null, [.. stream.Entries]));
            }
        }

        return new PushRequest(streams);
    }

    private void SetLabel(string name, string value)
    {
        for (int i = 0; i < _resourceLabels.Count; i++)
        {
            if (string.Equals(_resourceLabels[i].Name, name, StringComparison.Ordinal))
            {
                _resourceLabels[i] = new LabelPair(name, value);
                return;
            }
        }

        _resourceLabels.Add(new LabelPair(name, value));
    }

    private static readonly string[] SmallNumbers = CreateSmallNumbers();

    private static string[] CreateSmallNumbers()
    {
        var numbers = new string[25];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return numbers;
    }

    private static string SeverityNumberText(int number) =>
        (uint)number < (uint)SmallNumbers.Length ? SmallNumbers[number] : number.ToString(CultureInfo.InvariantCulture);

    private sealed class StreamAccumulator(string key, Labels labels)
    {
        public string Key { get; } = key;

        public Labels Labels { get; } = labels;

        public List<LogEntry> Entries { get; } = [];
    }
}

/// <summary>The fields of one log record other than its attributes and body, as the decoders read them.</summary>
internal struct OtlpRecordFields
{
    public ulong TimeUnixNano;
    public ulong ObservedTimeUnixNano;
    public int SeverityNumber;
    public string SeverityText;
    public uint DroppedAttributesCount;
    public uint Flags;
    public string? TraceId;
    public string? SpanId;

    public void Reset()
    {
        this = default;
        SeverityText = string.Empty;
    }
}
