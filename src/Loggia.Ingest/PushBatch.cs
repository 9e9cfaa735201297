using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Loggia.Core.Model;
using Loggia.Ingest.Loki;
using Loggia.Ingest.Otlp;

namespace Loggia.Ingest;

/// <summary>A stream of a <see cref="PushBatch{TKey, TStream}"/>: its labels and the entries of the current batch.</summary>
internal class PushBatchStream(Labels labels)
{
    public Labels Labels { get; } = labels;

    public string RawLabels { get; } = labels.ToString();

    public List<LogEntry> Entries { get; } = [];
}

/// <summary>
/// The batching that push builders of long-lived sources share (a syslog connection, a journal reader): streams found
/// by a source-specific key and remembered between batches with the strings decoded for them, lines copied into an
/// arena, and <see cref="Build"/>, which hands the batch over as one push and starts the next.
/// </summary>
/// <remarks>One owner: not thread-safe.</remarks>
internal sealed class PushBatch<TKey, TStream>
    where TKey : notnull
    where TStream : PushBatchStream
{
    /// <summary>Streams remembered between batches; beyond this the memory starts over (hosts × apps can be many).</summary>
    private const int MaxRememberedStreams = 10_000;

    private readonly Dictionary<TKey, TStream> _streams = [];
    private readonly List<TStream> _active = [];
    private LineArena _lines = new();

    /// <summary>Decoded strings (names, values) kept for the remembered streams.</summary>
    public OtlpStringCache Strings { get; private set; } = new();

    /// <summary>Entries added since the last <see cref="Build"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Line bytes added since the last <see cref="Build"/>.</summary>
    public long LineBytes { get; private set; }

    /// <summary>The remembered stream of <paramref name="key"/>.</summary>
    public bool TryGetStream(TKey key, [MaybeNullWhen(false)] out TStream stream) => _streams.TryGetValue(key, out stream);

    /// <summary>Remembers a new stream; when the memory is full and no stream is in the batch, it starts over first.</summary>
    public void AddStream(TKey key, TStream stream)
    {
        if (_streams.Count >= MaxRememberedStreams && _active.Count == 0)
        {
            _streams.Clear();
            Strings = new OtlpStringCache();
        }

        _streams.Add(key, stream);
    }

    /// <summary>Copies a line into the batch; invalid UTF-8 becomes U+FFFD, so every stored line is text.</summary>
    public ReadOnlyMemory<byte> CopyLine(ReadOnlySpan<byte> line) =>
        Utf8.IsValid(line) ? _lines.Copy(line) : _lines.Copy(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line)));

    /// <summary>Adds <paramref name="entry"/> to <paramref name="stream"/> in this batch.</summary>
    public void Add(TStream stream, LogEntry entry)
    {
        if (stream.Entries.Count == 0)
        {
            _active.Add(stream);
        }

        stream.Entries.Add(entry);
        Count++;
        LineBytes += entry.Line.Length;
    }

    /// <summary>The push of every entry added since the last call; the next batch starts empty.</summary>
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
}
