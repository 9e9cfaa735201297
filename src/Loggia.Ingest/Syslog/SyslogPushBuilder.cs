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

    private readonly PushBatch<StreamKey, SyslogStream> _batch = new();
    private readonly List<LabelPair> _metadata = [];
    private char[] _nameBuffer = new char[64];
    private byte[] _valueBuffer = new byte[256];

    /// <summary>Messages added since the last <see cref="Build"/>.</summary>
    public int Count => _batch.Count;

    /// <summary>Line bytes added since the last <see cref="Build"/>.</summary>
    public long LineBytes => _batch.LineBytes;

    /// <summary>Adds a message; <paramref name="receivedNanos"/> is its timestamp when it has none.</summary>
    public void Add(scoped in SyslogMessage message, long receivedNanos)
    {
        string app = message.AppName.IsEmpty ? OtlpLabelNames.UnknownService : Strings.Text(message.AppName);
        string host = Strings.Text(message.Hostname);
        var key = new StreamKey(app, host, message.Facility);
        if (!_batch.TryGetStream(key, out SyslogStream? stream))
        {
            stream = new SyslogStream(CreateLabels(app, host, message.Facility));
            _batch.AddStream(key, stream);
        }

        string? procId = message.ProcId.IsEmpty ? null : Strings.Text(message.ProcId);
        string? msgId = message.MsgId.IsEmpty ? null : Strings.Text(message.MsgId);
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

        var line = _batch.CopyLine(message.Message);
        _batch.Add(stream, new LogEntry(message.TimestampNanos != 0 ? message.TimestampNanos : receivedNanos, line, metadata));
    }

    /// <summary>The push of every message added since the last call; the builder then starts a new batch.</summary>
    public PushRequest Build() => _batch.Build();

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
        return Strings.Text(chars);
    }

    private string Unescaped(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Strings.Text(raw);
        }

        if (_valueBuffer.Length < raw.Length)
        {
            _valueBuffer = new byte[raw.Length * 2];
        }

        int length = SyslogStructuredDataReader.Unescape(raw, _valueBuffer);
        return Strings.Text(_valueBuffer.AsSpan(0, length));
    }

    private readonly record struct StreamKey(string App, string Host, int Facility);

    private OtlpStringCache Strings => _batch.Strings;

    /// <summary>A syslog stream, with the metadata of its last message, which the next one alike shares.</summary>
    private sealed class SyslogStream(Labels labels) : PushBatchStream(labels)
    {
        public LabelPair[]? LastMetadata { get; set; }

        public int LastSeverity { get; set; }

        public string? LastProcId { get; set; }

        public string? LastMsgId { get; set; }
    }
}
