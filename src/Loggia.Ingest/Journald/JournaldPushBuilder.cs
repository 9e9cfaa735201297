using System.Text;
using System.Text.Unicode;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;
using Loggia.Ingest.Syslog;

namespace Loggia.Ingest.Journald;

/// <summary>
/// Maps journal entries read by <see cref="JournalExportReader"/> to one push (documented in
/// <c>docs/ingest/journald.md</c>): the line is MESSAGE (binary values as UTF-8 with U+FFFD for invalid bytes), the
/// time <c>__REALTIME_TIMESTAMP</c> (else <c>_SOURCE_REALTIME_TIMESTAMP</c>, else the receive time); stream labels are
/// <c>service_name</c>, <c>unit</c> and <c>hostname</c>; PRIORITY gives <c>detected_level</c>; every other field
/// except the <c>__</c> meta fields is structured metadata under its journald name (bytes outside
/// <c>[A-Za-z0-9_]</c> as <c>_</c>), the values of a multi-valued field joined by newlines.
/// </summary>
/// <remarks>One owner (a request or a collector): not thread-safe.</remarks>
public sealed class JournaldPushBuilder
{
    /// <summary>
    /// Longest structured-metadata value kept whole: journalctl's own threshold for big fields (it prints them as
    /// null in JSON without <c>--all</c>), and small enough that a normal entry stays within Loki's 64 KiB
    /// metadata budget. The line (MESSAGE) is bounded by the line-size limit instead.
    /// </summary>
    public const int DefaultMaxMetadataValueBytes = 4096;

    private readonly int _maxMetadataValueBytes;
    private readonly PushBatch<StreamKey, PushBatchStream> _batch = new();
    private readonly List<LabelPair> _metadata = [];
    private readonly StringBuilder _joined = new();
    private char[] _nameBuffer = new char[JournalExportReader.MaxFieldNameLength];

    /// <summary>Creates a builder; metadata values longer than <paramref name="maxMetadataValueBytes"/> are cut (and listed in <c>journal_truncated_fields</c>).</summary>
    public JournaldPushBuilder(int maxMetadataValueBytes = DefaultMaxMetadataValueBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMetadataValueBytes, 1);
        _maxMetadataValueBytes = maxMetadataValueBytes;
    }

    /// <summary>Entries added since the last <see cref="Build"/>.</summary>
    public int Count => _batch.Count;

    /// <summary>Line bytes added since the last <see cref="Build"/>.</summary>
    public long LineBytes => _batch.LineBytes;

    /// <summary>Adds the entry whose <paramref name="fields"/> point into <paramref name="input"/>; <paramref name="receivedNanos"/> is its time when it carries none.</summary>
    public void Add(ReadOnlySpan<byte> input, List<JournalField> fields, long receivedNanos)
    {
        ArgumentNullException.ThrowIfNull(fields);
        int message = -1, realtime = -1, sourceRealtime = -1, identifier = -1, unit = -1, comm = -1, host = -1, priority = -1;
        for (int i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Name(input);
            if (name.SequenceEqual(JournalFieldNames.Message))
            {
                message = message < 0 ? i : message;
            }
            else if (name.SequenceEqual(JournalFieldNames.RealtimeTimestamp))
            {
                realtime = i;
            }
            else if (name.SequenceEqual(JournalFieldNames.SourceRealtimeTimestamp))
            {
                sourceRealtime = i;
            }
            else if (name.SequenceEqual(JournalFieldNames.SyslogIdentifier))
            {
                identifier = identifier < 0 ? i : identifier;
            }
            else if (name.SequenceEqual(JournalFieldNames.SystemdUnit))
            {
                unit = unit < 0 ? i : unit;
            }
            else if (name.SequenceEqual(JournalFieldNames.Comm))
            {
                comm = comm < 0 ? i : comm;
            }
            else if (name.SequenceEqual(JournalFieldNames.Hostname))
            {
                host = host < 0 ? i : host;
            }
            else if (name.SequenceEqual(JournalFieldNames.Priority))
            {
                priority = priority < 0 ? i : priority;
            }
        }

        string unitName = unit >= 0 ? Text(input, fields[unit]) : "";
        string service = identifier >= 0 ? Text(input, fields[identifier]) : unitName.Length > 0 ? unitName : comm >= 0 ? Text(input, fields[comm]) : "";
        if (service.Length == 0)
        {
            service = OtlpLabelNames.UnknownService;
        }

        string hostname = host >= 0 ? Text(input, fields[host]) : "";
        var key = new StreamKey(service, unitName, hostname);
        if (!_batch.TryGetStream(key, out PushBatchStream? stream))
        {
            stream = new PushBatchStream(CreateLabels(service, unitName, hostname));
            _batch.AddStream(key, stream);
        }

        long nanos = Microseconds(input, fields, realtime) ?? Microseconds(input, fields, sourceRealtime) ?? receivedNanos;
        var metadata = Metadata(input, fields, message, priority);
        var line = message >= 0 ? _batch.CopyLine(fields[message].Value(input)) : ReadOnlyMemory<byte>.Empty;
        _batch.Add(stream, new LogEntry(nanos, line, metadata));
    }

    /// <summary>The push of every entry added since the last call; the builder then starts a new batch.</summary>
    public PushRequest Build() => _batch.Build();

    private LabelPair[] Metadata(ReadOnlySpan<byte> input, List<JournalField> fields, int message, int priority)
    {
        _metadata.Clear();
        if (priority >= 0 && fields[priority].Value(input) is [var digit] && (uint)(digit - '0') <= 7)
        {
            _metadata.Add(new LabelPair(JournalFieldNames.DetectedLevel, SyslogNames.Level(digit - '0')));
        }

        string? truncated = null;
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var name = field.Name(input);
            if (i == message || name.StartsWith("__"u8))
            {
                // Meta fields (cursor, timestamps, sequence numbers) describe the journal file, not the event.
                continue;
            }

            string label = LabelName(name);
            var raw = field.Value(input);
            bool cut = raw.Length > _maxMetadataValueBytes;
            if (cut)
            {
                raw = raw[..Utf8Boundary(raw, _maxMetadataValueBytes)];
                truncated = truncated is null ? label : truncated + "," + label;
            }

            string value = Strings.Text(raw);
            int existing = IndexOf(label);
            if (existing < 0)
            {
                _metadata.Add(new LabelPair(label, value));
            }
            else
            {
                // A multi-valued field (e.g. _UDEV_DEVLINK) is one metadata pair: map columns have unique keys.
                _joined.Clear().Append(_metadata[existing].Value).Append('\n').Append(value);
                _metadata[existing] = new LabelPair(label, _joined.ToString());
            }
        }

        if (truncated is not null)
        {
            _metadata.Add(new LabelPair(JournalFieldNames.TruncatedFields, truncated));
        }

        return _metadata.ToArray();
    }

    private int IndexOf(string label)
    {
        for (int i = 0; i < _metadata.Count; i++)
        {
            // Names come from the string cache, so a repeated field is usually the same instance.
            if (ReferenceEquals(_metadata[i].Name, label) || string.Equals(_metadata[i].Name, label, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private string LabelName(ReadOnlySpan<byte> name)
    {
        if (_nameBuffer.Length < name.Length + 4)
        {
            _nameBuffer = new char[(name.Length + 4) * 2];
        }

        // A leading digit is not a label name: Loki's normalisation puts "key_" in front.
        int prefix = char.IsAsciiDigit((char)name[0]) ? 4 : 0;
        var chars = _nameBuffer.AsSpan(0, prefix + name.Length);
        if (prefix > 0)
        {
            "key_".CopyTo(chars);
        }

        LabelNameBytes.Sanitize(name, chars[prefix..]);
        return Strings.Text(chars);
    }

    private string Text(ReadOnlySpan<byte> input, JournalField field) => Strings.Text(field.Value(input));

    private static long? Microseconds(ReadOnlySpan<byte> input, List<JournalField> fields, int index)
    {
        if (index < 0)
        {
            return null;
        }

        var digits = fields[index].Value(input);
        if (digits.IsEmpty || digits.Length > 17)
        {
            // 17 digits of µs reach the year 5138, past which nanoseconds overflow a long.
            return null;
        }

        long value = 0;
        foreach (byte b in digits)
        {
            if ((uint)(b - '0') > 9)
            {
                return null;
            }

            value = (value * 10) + (b - '0');
        }

        return value * 1000;
    }

    /// <summary>The longest prefix of at most <paramref name="max"/> bytes that does not split a UTF-8 sequence.</summary>
    private static int Utf8Boundary(ReadOnlySpan<byte> bytes, int max)
    {
        int end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return end;
    }

    private static Labels CreateLabels(string service, string unit, string host)
    {
        Span<LabelPair> pairs = new LabelPair[3];
        int count = 0;
        pairs[count++] = new LabelPair(JournalFieldNames.ServiceNameLabel, service);
        if (unit.Length > 0)
        {
            pairs[count++] = new LabelPair(JournalFieldNames.UnitLabel, unit);
        }

        if (host.Length > 0)
        {
            pairs[count++] = new LabelPair(JournalFieldNames.HostnameLabel, host);
        }

        return Labels.Create(pairs[..count]);
    }

    private readonly record struct StreamKey(string Service, string Unit, string Host);

    private OtlpStringCache Strings => _batch.Strings;
}
