using System.Text;
using System.Text.Unicode;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;

namespace Loggia.Ingest.Syslog;

/// <summary>
/// Collects parsed syslog messages into one push (documented in <c>docs/ingest/syslog.md</c>): stream labels are the
/// low-cardinality fields — <c>service_name</c> (APP-NAME/TAG, else <c>unknown_service</c>), <c>hostname</c> and
/// <c>facility</c>; <c>severity</c>, <c>detected_level</c>, <c>proc_id</c>, <c>msg_id</c> and every structured-data
/// parameter (<c>sd_&lt;id&gt;_&lt;param&gt;</c>) are structured metadata; the line is MSG, with invalid UTF-8 replaced.
/// </summary>
/// <remarks>One owner (a connection or a listener): not thread-safe. Streams and decoded strings are kept between batches.</remarks>
public sealed class SyslogPushBuilder
{
    /// <summary>Stream label of the app name (Loki's convention).</summary>
    public const string ServiceNameLabel = "service_name";

    /// <summary>Stream label of HOSTNAME.</summary>
    public const string HostnameLabel = "hostname";

    /// <summary>Stream label of the facility keyword.</summary>
    public const string FacilityLabel = "facility";

    /// <summary>Streams remembered between batches; beyond this the memory starts over (hosts × apps can be many).</summary>
    private const int MaxRememberedStreams = 10_000;

    private readonly Dictionary<StreamKey, StreamAccumulator> _streams = [];
    private readonly List<StreamAccumulator> _active = [];
    private readonly List<LabelPair> _metadata = [];
    private OtlpStringCache _strings = new();
    private LineArena _lines = new();
    private char[] _nameBuffer = new char[64];
    private byte[] _valueBuffer = new byte[256];

    /// <summary>Messages added since the last <see cref="Build"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Line bytes added since the last <see cref="Build"/>.</summary>
    public long LineBytes { get; private set; }

    /// <summary>Adds a message; <paramref name="receivedNanos"/> is its timestamp when it has none.</summary>
    public void Add(scoped in SyslogMessage message, long receivedNanos)
    {
        string app = message.AppName.IsEmpty ? OtlpLabelNames.UnknownService : _strings.Text(message.AppName);
        string host = _strings.Text(message.Hostname);
        var key = new StreamKey(app, host, message.Facility);
        if (!_streams.TryGetValue(key, out StreamAccumulator? stream))
        {
            if (_streams.Count >= MaxRememberedStreams && _active.Count == 0)
            {
                _streams.Clear();
                _strings = new OtlpStringCache();
            }

            stream = new StreamAccumulator(CreateLabels(app, host, message.Facility));
            _streams.Add(key, stream);
        }

        if (stream.Entries.Count == 0)
        {
            _active.Add(stream);
        }

        string? procId = message.ProcId.IsEmpty ? null : _strings.Text(message.ProcId);
        string? msgId = message.MsgId.IsEmpty ? null : _strings.Text(message.MsgId);
        LabelPair[] metadata;
        if (message.StructuredData.IsEmpty && stream.LastMetadata is { } last && stream.LastSeverity == message.Severity
            && ReferenceEquals(stream.LastProcId, procId) && ReferenceEquals(stream.LastMsgId, msgId))
        {
            // Entries never change their metadata, so messages alike in a stream share one array.
            metadata = last;
        }
        else
        {
            _metadata.Clear();
            _metadata.Add(new LabelPair("severity", SyslogNames.Severity(message.Severity)));
            _metadata.Add(new LabelPair("detected_level", SyslogNames.Level(message.Severity)));
            if (procId is not null)
            {
                _metadata.Add(new LabelPair("proc_id", procId));
            }

            if (msgId is not null)
            {
                _metadata.Add(new LabelPair("msg_id", msgId));
            }

            if (!message.StructuredData.IsEmpty)
            {
                AddStructuredData(message.StructuredData);
            }

            metadata = _metadata.ToArray();
            bool shareable = message.StructuredData.IsEmpty;
            stream.LastMetadata = shareable ? metadata : null;
            stream.LastSeverity = message.Severity;
            stream.LastProcId = procId;
            stream.LastMsgId = msgId;
        }

        var line = CopyLine(message.Message);
        stream.Entries.Add(new LogEntry(message.TimestampNanos != 0 ? message.TimestampNanos : receivedNanos, line, metadata));
        Count++;
        LineBytes += line.Length;
    }

    /// <summary>The push of every message added since the last call; the builder then starts a new batch.</summary>
    public PushRequest Build()
    {
        var streams = new PushStream[_active.Count];
        for (int i = 0; i < _active.Count; i++)
        {
            var stream = _active[i];
            streams[i] = new PushStream(stream.RawLabels, stream.Labels, null, [.. stream.Entries]);
            stream.Entries.Clear();
        }

        _active.Clear();
        Count = 0;
        LineBytes = 0;
        // The push keeps referring to the lines until the pipeline is done with them: the next batch gets new chunks.
        _lines = new LineArena();
        return new PushRequest(streams);
    }

    private static Labels CreateLabels(string app, string host, int facility)
    {
        Span<LabelPair> pairs = new LabelPair[3];
        int count = 0;
        pairs[count++] = new LabelPair(ServiceNameLabel, app);
        if (host.Length > 0)
        {
            pairs[count++] = new LabelPair(HostnameLabel, host);
        }

        pairs[count++] = new LabelPair(FacilityLabel, SyslogNames.Facility(facility));
        return Labels.Create(pairs[..count]);
    }

    private ReadOnlyMemory<byte> CopyLine(ReadOnlySpan<byte> message)
    {
        if (Utf8.IsValid(message))
        {
            return _lines.Copy(message);
        }

        // Invalid UTF-8 becomes U+FFFD, so every stored line is text.
        return _lines.Copy(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(message)));
    }

    private void AddStructuredData(ReadOnlySpan<byte> data)
    {
        var reader = new SyslogStructuredDataReader(data);
        while (reader.TryReadElement(out var id))
        {
            while (reader.TryReadParam(out var name, out var raw, out _))
            {
                _metadata.Add(new LabelPair(MetadataName(id, name), Unescaped(raw)));
            }
        }
    }

    /// <summary><c>sd_&lt;id&gt;_&lt;param&gt;</c> with every byte outside <c>[A-Za-z0-9_]</c> as <c>_</c> (label name rules).</summary>
    private string MetadataName(ReadOnlySpan<byte> id, ReadOnlySpan<byte> name)
    {
        int length = 3 + id.Length + 1 + name.Length;
        if (_nameBuffer.Length < length)
        {
            _nameBuffer = new char[length * 2];
        }

        var chars = _nameBuffer.AsSpan(0, length);
        "sd_".CopyTo(chars);
        LabelNameBytes.Sanitize(id, chars.Slice(3, id.Length));
        chars[3 + id.Length] = '_';
        LabelNameBytes.Sanitize(name, chars[(4 + id.Length)..]);
        return _strings.Text(chars);
    }

    private string Unescaped(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return _strings.Text(raw);
        }

        if (_valueBuffer.Length < raw.Length)
        {
            _valueBuffer = new byte[raw.Length * 2];
        }

        int length = SyslogStructuredDataReader.Unescape(raw, _valueBuffer);
        return _strings.Text(_valueBuffer.AsSpan(0, length));
    }

    private readonly record struct StreamKey(string App, string Host, int Facility);

    private sealed class StreamAccumulator(Labels labels)
    {
        public Labels Labels { get; } = labels;

        public string RawLabels { get; } = labels.ToString();

        public List<LogEntry> Entries { get; } = [];

        public LabelPair[]? LastMetadata { get; set; }

        public int LastSeverity { get; set; }

        public string? LastProcId { get; set; }

        public string? LastMsgId { get; set; }
    }
}
