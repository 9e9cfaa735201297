using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Storage.Wal;

/// <summary>
/// Replays the segments of a WAL directory in order and repairs what a crash can leave behind.
/// </summary>
/// <remarks>
/// Policy, by where the damage is:
/// <list type="bullet">
/// <item>Tail segment (highest sequence): damage there is what a crash mid-write leaves (records are only
/// acknowledged after fsync, so a damaged tail was never acknowledged). The file is truncated at the last good
/// record, fsynced, and a warning is logged.</item>
/// <item>Older segments: they were fsynced before the next segment was created, so damage there is media
/// corruption or tampering, not a torn write. Replay of that segment stops at the damage (records after it
/// cannot be framed reliably: resynchronising on a 32-bit CRC over millions of offsets would accept garbage),
/// a warning is logged, replay continues with the next segment, and the file is left untouched for inspection
/// until <see cref="WriteAheadLog.ReleaseBefore"/> removes it.</item>
/// <item>A file shorter than a segment header is a crash during creation and can hold no record: deleted.</item>
/// <item>A full-size but unreadable header (wrong magic, bad CRC, sequence not matching the name): skipped and
/// kept. An intact header of an unknown version throws: refusing a downgrade beats ignoring acknowledged data.</item>
/// <item>A segment with a valid header and no record (a previous run that wrote nothing) is deleted.</item>
/// </list>
/// Files in the directory whose names are not exactly 20 digits + <c>.wal</c> are ignored.
/// </remarks>
internal sealed class WalRecovery
{
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly WalMetrics _metrics;

    public WalRecovery(string directory, ILogger logger, WalMetrics metrics)
    {
        _directory = directory;
        _logger = logger;
        _metrics = metrics;
    }

    public WalRecoverySummary Summary { get; } = new();

    /// <summary>Segments kept, in order, with their size on disk.</summary>
    public List<(ulong Sequence, long Size)> Segments { get; } = [];

    /// <summary>Files to delete once the new active segment exists (deleting first could let a crash reuse a sequence).</summary>
    public List<string> Obsolete { get; } = [];

    /// <summary>Highest sequence seen in any segment file name, readable or not; 0 if none.</summary>
    public ulong MaxSequence { get; private set; }

    public WalPosition LastPosition { get; private set; }

    public void Run(Action<WalRecord> replay)
    {
        List<(ulong Sequence, string Path)> files = ListSegments(_directory);
        for (int i = 0; i < files.Count; i++)
        {
            (ulong sequence, string path) = files[i];
            MaxSequence = sequence;
            ReplaySegment(sequence, path, isTail: i == files.Count - 1, replay);
        }
    }

    internal static List<(ulong Sequence, string Path)> ListSegments(string directory)
    {
        var files = new List<(ulong Sequence, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*" + WalFormat.SegmentExtension))
        {
            if (WalFormat.TryParseSegmentFileName(Path.GetFileName(path.AsSpan()), out ulong sequence) && sequence > 0)
            {
                files.Add((sequence, path));
            }
        }

        files.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return files;
    }

    private void ReplaySegment(ulong sequence, string path, bool isTail, Action<WalRecord> replay)
    {
        Summary.SegmentsScanned++;
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, isTail ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read);
        using var reader = new WalSegmentReader(handle);

        WalDamage headerDamage = reader.ReadSegmentHeader(sequence);
        if (headerDamage == WalDamage.ShortSegmentHeader)
        {
            RecordDamage();
            WalLog.ShortSegmentDeleted(_logger, path, reader.Length);
            Obsolete.Add(path);
            return;
        }

        if (headerDamage != WalDamage.None)
        {
            RecordDamage();
            Summary.SegmentsSkipped++;
            WalLog.SegmentSkipped(_logger, path, headerDamage);
            Segments.Add((sequence, reader.Length));
            return;
        }

        long records = 0;
        WalDamage damage;
        while (reader.TryReadNext(out long offset, out byte type, out ReadOnlySpan<byte> payload, out damage))
        {
            var position = new WalPosition(sequence, offset);
            replay(new WalRecord(position, type, payload));
            LastPosition = position;
            records++;
            Summary.RecordsReplayed++;
            Summary.BytesReplayed += WalFormat.RecordHeaderSize + payload.Length;
        }

        long size = reader.Length;
        if (damage != WalDamage.None)
        {
            RecordDamage();
            long dropped = reader.Length - reader.GoodEnd;
            if (isTail)
            {
                RandomAccess.SetLength(handle, reader.GoodEnd);
                RandomAccess.FlushToDisk(handle);
                size = reader.GoodEnd;
                Summary.BytesTruncated += dropped;
                WalLog.TailTruncated(_logger, path, reader.GoodEnd, damage, dropped);
            }
            else
            {
                WalLog.SegmentDamaged(_logger, path, reader.GoodEnd, damage, dropped);
            }
        }

        // An empty segment carries nothing; a damaged older one is kept as evidence.
        if (records == 0 && (damage == WalDamage.None || isTail))
        {
            Obsolete.Add(path);
            return;
        }

        Segments.Add((sequence, size));
    }

    private void RecordDamage()
    {
        Summary.Damages++;
        _metrics.Corruptions.Add(1);
    }
}
