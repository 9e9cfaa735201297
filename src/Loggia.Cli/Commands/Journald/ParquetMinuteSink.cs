using System.Globalization;
using System.Text;
using Loggia.Core.IO;
using Loggia.Ingest.Journald;
using Loggia.Parquet.Data;
using Loggia.Parquet.Schema;
using Loggia.Parquet.Writing;

namespace Loggia.Cli.Commands.Journald;

/// <summary>
/// Writes entries to minute files <c>&lt;dir&gt;/&lt;hostname&gt;/YYYY/MM/DD/YYYYMMDD-HHmm.parquet</c> (UTC, by entry time)
/// with every journald field: common fields as columns, every other field (the <c>__</c> meta fields included) in
/// the <c>fields</c> map. A flush writes one file per (host, minute) of the batch, published atomically (temp
/// file, fsync, rename, fsync of the directory); a minute flushed twice (a batch boundary inside it, or a restart)
/// gets a second file <c>YYYYMMDD-HHmm-2.parquet</c>, so a glob over the directory reads every entry once.
/// </summary>
internal sealed class ParquetMinuteSink(string directory) : IJournalSink
{
    /// <summary>Entries per batch before a flush; the minute boundary usually comes first.</summary>
    private const int BatchEntries = 100_000;

    private static readonly ParquetSchema Schema = new(
        // Not UTC-adjusted, as in Loggia's blocks: DuckDB then reads TIMESTAMP_NS with every nanosecond (ADR 0002).
        new ParquetColumn("timestamp", ParquetColumnType.TimestampNanos, TimestampIsAdjustedToUtc: false),
        new ParquetColumn("hostname", ParquetColumnType.String, Nullable: true),
        new ParquetColumn("systemd_unit", ParquetColumnType.String, Nullable: true),
        new ParquetColumn("syslog_identifier", ParquetColumnType.String, Nullable: true),
        new ParquetColumn("priority", ParquetColumnType.Int32, Nullable: true),
        new ParquetColumn("message", ParquetColumnType.String, Nullable: true),
        new ParquetColumn("cursor", ParquetColumnType.String, Nullable: true),
        new ParquetColumn("fields", ParquetColumnType.StringMap));

    private readonly SortedDictionary<(string Host, long Minute), List<Row>> _groups = [];
    private long _latestMinute = long.MinValue;

    public int Pending { get; private set; }

    public bool ShouldFlushBefore(ReadOnlySpan<byte> input, List<JournalField> fields)
    {
        if (Pending == 0)
        {
            return false;
        }

        // The journal is (mostly) in time order: an entry of a later minute means the earlier minutes are complete.
        return Pending >= BatchEntries || Minute(EntryNanos(input, fields, 0)) > _latestMinute;
    }

    /// <summary>Files written so far.</summary>
    public List<string> Files { get; } = [];

    public void Add(ReadOnlySpan<byte> input, List<JournalField> fields, long receivedNanos)
    {
        var row = new Row();
        long? realtime = null, source = null;
        foreach (var field in fields)
        {
            var name = field.Name(input);
            var value = field.Value(input);
            if (name.SequenceEqual(JournalFieldNames.RealtimeTimestamp) && realtime is null)
            {
                realtime = Microseconds(value);
                if (realtime is not null)
                {
                    continue;
                }
            }

            if (name.SequenceEqual(JournalFieldNames.SourceRealtimeTimestamp))
            {
                source ??= Microseconds(value);
            }

            string text = Encoding.UTF8.GetString(value);
            if (name.SequenceEqual(JournalFieldNames.Hostname) && row.Host is null)
            {
                row.Host = text;
            }
            else if (name.SequenceEqual(JournalFieldNames.SystemdUnit) && row.Unit is null)
            {
                row.Unit = text;
            }
            else if (name.SequenceEqual(JournalFieldNames.SyslogIdentifier) && row.Identifier is null)
            {
                row.Identifier = text;
            }
            else if (name.SequenceEqual(JournalFieldNames.Message) && row.Message is null)
            {
                row.Message = text;
            }
            else if (name.SequenceEqual(JournalFieldNames.Cursor) && row.Cursor is null)
            {
                row.Cursor = text;
            }
            else if (name.SequenceEqual(JournalFieldNames.Priority) && row.Priority is null && int.TryParse(text, CultureInfo.InvariantCulture, out var priority))
            {
                row.Priority = priority;
            }
            else
            {
                row.AddField(Encoding.UTF8.GetString(name), text);
            }
        }

        row.Nanos = realtime ?? source ?? receivedNanos;
        long minute = Minute(row.Nanos);
        _latestMinute = Math.Max(_latestMinute, minute);

        var key = (HostDirectory(row.Host), minute);
        if (!_groups.TryGetValue(key, out var rows))
        {
            _groups[key] = rows = [];
        }

        rows.Add(row);
        Pending++;
    }

    public Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var (host, minute) in _groups.Keys.ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = _groups[(host, minute)];
            Files.Add(Write(host, minute, rows));

            // Dropped as soon as its file is published: a flush retried after a cancellation (SIGTERM) or an error
            // then writes only the groups not yet written, not the published ones a second time.
            _groups.Remove((host, minute));
            Pending -= rows.Count;
        }

        return Task.CompletedTask;
    }

    private string Write(string host, long minute, List<Row> rows)
    {
        var time = DateTime.UnixEpoch.AddMinutes(minute);
        var folder = Path.Combine(directory, host, time.ToString("yyyy", CultureInfo.InvariantCulture), time.ToString("MM", CultureInfo.InvariantCulture), time.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var stem = time.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, stem + ".parquet");
        for (int part = 2; File.Exists(path); part++)
        {
            path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{stem}-{part}.parquet"));
        }

        var temp = Path.Combine(folder, "." + Path.GetFileName(path) + ".tmp");
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var writer = new ParquetWriter(file, Schema, new ParquetWriterOptions { Compression = Loggia.Parquet.Format.CompressionCodec.Zstd, CreatedBy = "loggia collect journald" }, leaveOpen: true))
            {
                var batch = new RowBatch(Schema, Math.Min(rows.Count, 4096));
                foreach (var row in rows)
                {
                    Append(batch, row);
                    if (batch.RowCount == 4096)
                    {
                        writer.Write(batch);
                        batch.Clear();
                    }
                }

                writer.Write(batch);
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path);
        DirectorySync.Flush(folder);
        return path;
    }

    private static void Append(RowBatch batch, Row row)
    {
        batch.Int64s(0).Append(row.Nanos);
        AppendString(batch.Binaries(1), row.Host);
        AppendString(batch.Binaries(2), row.Unit);
        AppendString(batch.Binaries(3), row.Identifier);
        if (row.Priority is { } priority)
        {
            batch.Int32s(4).Append(priority);
        }
        else
        {
            batch.Int32s(4).AppendNull();
        }

        AppendString(batch.Binaries(5), row.Message);
        AppendString(batch.Binaries(6), row.Cursor);
        var map = batch.Maps(7);
        foreach (var (name, value) in row.Fields)
        {
            map.AddEntry(name, value);
        }

        map.EndRow();
    }

    private static void AppendString(BinaryVector vector, string? value)
    {
        if (value is null)
        {
            vector.AppendNull();
        }
        else
        {
            vector.Append(value);
        }
    }

    /// <summary>The host's folder name: _HOSTNAME with path separators and other unsafe characters as '_'.</summary>
    private static string HostDirectory(string? host)
    {
        if (string.IsNullOrEmpty(host) || host is "." or "..")
        {
            return "unknown";
        }

        return string.Create(host.Length, host, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_';
            }
        });
    }

    private static long Minute(long nanos) => Math.DivRem(nanos, 60_000_000_000L, out var remainder) - (remainder < 0 ? 1 : 0);

    /// <summary>The entry's time as <see cref="Add"/> takes it; entries without one (receive time) never start a minute.</summary>
    private static long EntryNanos(ReadOnlySpan<byte> input, List<JournalField> fields, long fallback)
    {
        long? source = null;
        foreach (var field in fields)
        {
            var name = field.Name(input);
            if (name.SequenceEqual(JournalFieldNames.RealtimeTimestamp) && Microseconds(field.Value(input)) is { } realtime)
            {
                return realtime;
            }

            if (name.SequenceEqual(JournalFieldNames.SourceRealtimeTimestamp))
            {
                source ??= Microseconds(field.Value(input));
            }
        }

        return source ?? fallback;
    }

    private static long? Microseconds(ReadOnlySpan<byte> digits) =>
        digits.Length is > 0 and <= 17 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1000 : null;

    private sealed class Row
    {
        public long Nanos { get; set; }

        public string? Host { get; set; }

        public string? Unit { get; set; }

        public string? Identifier { get; set; }

        public int? Priority { get; set; }

        public string? Message { get; set; }

        public string? Cursor { get; set; }

        public List<(string Name, string Value)> Fields { get; } = [];

        /// <summary>Map keys are unique: a multi-valued field's values are joined by newlines (as the receiver does).</summary>
        public void AddField(string name, string value)
        {
            for (int i = 0; i < Fields.Count; i++)
            {
                if (Fields[i].Name == name)
                {
                    Fields[i] = (name, Fields[i].Value + "\n" + value);
                    return;
                }
            }

            Fields.Add((name, value));
        }
    }
}
