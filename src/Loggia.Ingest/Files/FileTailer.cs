using System.Text;

namespace Loggia.Ingest.Files;

/// <summary>
/// Follows one path. <see cref="Poll"/> notices rotation and truncation; <see cref="TryReadRecord"/>
/// returns the next entry. Rename + create: the old file (still open) is read to its end, its last
/// unfinished line is taken as is, then the new file is read from 0. Copytruncate (the file got
/// shorter than what was read): read again from 0. A path that disappears keeps its open file until
/// it reappears or the caller drops the tailer.
/// </summary>
public sealed class FileTailer : IDisposable
{
    private readonly MultilineAssembler? _multiline;
    private readonly TimeProvider _time;
    private readonly LineReader _reader;
    // Records completed by a rotation or truncation, returned before anything else is read.
    private readonly Queue<TailedRecord> _queued = new();
    private FileStream? _stream;
    private bool _rotated;

    /// <summary>Creates a tailer for <paramref name="path"/>; call <see cref="Open"/> next.</summary>
    public FileTailer(string path, int maxLineBytes, MultilineOptions? multiline, TimeProvider time)
    {
        Path = path;
        _time = time;
        _reader = new LineReader(maxLineBytes);
        _multiline = multiline is null ? null : new MultilineAssembler(multiline);
    }

    /// <summary>The followed path.</summary>
    public string Path { get; }

    /// <summary>The file being read.</summary>
    public FileIdentity Identity { get; private set; }

    /// <summary>Offset just after the last line read from the current file.</summary>
    public long Offset => _reader.Offset;

    /// <summary>True while the path names no file (deleted, or renamed and not yet recreated).</summary>
    public bool IsGone { get; private set; }

    /// <summary>Lines cut at the maximum line size so far.</summary>
    public long TruncatedLines { get; private set; }

    /// <summary>
    /// Opens the path: at <paramref name="saved"/>'s offset when it names the same file and that is
    /// not past its end, else at the end when <paramref name="startAtEnd"/>, else at 0.
    /// </summary>
    public void Open(FilePosition? saved, bool startAtEnd)
    {
        var stream = OpenStream(Path);
        var identity = FileStatNative.GetIdentity(stream.SafeFileHandle);
        long offset = 0;
        if (saved is { } position && position.Identity == identity && position.Offset <= stream.Length)
        {
            offset = position.Offset;
        }
        else if (startAtEnd)
        {
            offset = stream.Length;
        }

        Switch(stream, identity, offset);
    }

    /// <summary>What happened to the path since the last call; call before reading.</summary>
    public TailChange Poll()
    {
        if (_stream is null || _rotated)
        {
            return TailChange.None;
        }

        if (!FileStatNative.TryGetIdentity(Path, out var current))
        {
            IsGone = true;
            return TailChange.None;
        }

        IsGone = false;
        if (current != Identity)
        {
            _rotated = true;
            return TailChange.Rotated;
        }

        if (_stream.Length < _reader.ReadOffset)
        {
            // copytruncate: what was read before is in the copy; the new content starts at 0. A record being
            // assembled belongs to the old content: it is complete, not to be joined with the new lines.
            QueuePendingRecord();
            _stream.Position = 0;
            _reader.Reset(0);
            return TailChange.Truncated;
        }

        return TailChange.None;
    }

    /// <summary>The next complete entry, or false when there is none yet.</summary>
    public bool TryReadRecord(out TailedRecord record)
    {
        while (true)
        {
            if (_queued.TryDequeue(out record))
            {
                return true;
            }

            if (_stream is null)
            {
                record = default;
                return false;
            }

            if (_reader.TryReadLine(_stream, out var line, out var truncated))
            {
                if (Accept(line, truncated, out record))
                {
                    return true;
                }

                continue;
            }

            if (_rotated)
            {
                // The old file is at its end: its unfinished line will never be finished.
                if (_reader.TryTakePartial(out var partial) && Accept(partial, false, out record))
                {
                    QueuePendingRecord();
                    SwitchToNewFile();
                    return true;
                }

                QueuePendingRecord();
                SwitchToNewFile();
                continue;
            }

            if (_multiline is not null && _multiline.IsDue(_time.GetTimestamp(), _time) && _multiline.TryFlush(out var due))
            {
                record = new TailedRecord(due.Text, Identity, due.EndOffset, due.Truncated, due.Lines);
                return true;
            }

            record = default;
            return false;
        }
    }

    /// <summary>The record being assembled, if any (at shutdown or when the tailer is dropped); an unfinished line stays unread.</summary>
    public bool TryFlushPending(out TailedRecord record)
    {
        if (FlushMultiline() is { } pending)
        {
            record = pending;
            return true;
        }

        record = default;
        return false;
    }

    private bool Accept(ReadOnlySpan<byte> line, bool truncated, out TailedRecord record)
    {
        if (truncated)
        {
            TruncatedLines++;
        }

        var text = Encoding.UTF8.GetString(line);
        if (_multiline is null)
        {
            record = new TailedRecord(text, Identity, _reader.Offset, truncated, 1);
            return true;
        }

        if (_multiline.Add(text, _reader.Offset, truncated, _time.GetTimestamp(), out var done))
        {
            record = new TailedRecord(done.Text, Identity, done.EndOffset, done.Truncated, done.Lines);
            return true;
        }

        record = default;
        return false;
    }

    private void QueuePendingRecord()
    {
        if (FlushMultiline() is { } pending)
        {
            _queued.Enqueue(pending);
        }
    }

    private TailedRecord? FlushMultiline() =>
        _multiline is not null && _multiline.TryFlush(out var pending)
            ? new TailedRecord(pending.Text, Identity, pending.EndOffset, pending.Truncated, pending.Lines)
            : null;

    private void SwitchToNewFile()
    {
        _rotated = false;
        FileStream stream;
        try
        {
            stream = OpenStream(Path);
        }
        catch (FileNotFoundException)
        {
            // Gone again between the stat and the open: keep the old file; the next poll decides.
            IsGone = true;
            return;
        }

        Switch(stream, FileStatNative.GetIdentity(stream.SafeFileHandle), 0);
    }

    private void Switch(FileStream stream, FileIdentity identity, long offset)
    {
        _stream?.Dispose();
        _stream = stream;
        Identity = identity;
        IsGone = false;
        stream.Position = offset;
        _reader.Reset(offset);
    }

    // Unbuffered (the line reader has its own buffer); shared so writers, rotators and deleters are never blocked.
    private static FileStream OpenStream(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        _reader.Dispose();
    }
}
