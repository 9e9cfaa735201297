using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Wal;

/// <summary>The WAL's log messages (source-generated, no allocation when disabled).</summary>
internal static partial class WalLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "WAL segment {Path} is damaged at offset {Offset} ({Damage}); it was the tail segment, so it was truncated there, dropping {Bytes} bytes of an unacknowledged or torn write")]
    public static partial void TailTruncated(ILogger logger, string path, long offset, WalDamage damage, long bytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "WAL segment {Path} is damaged at offset {Offset} ({Damage}); replay of this segment stops there and continues with the next segment; {Bytes} bytes after it are NOT replayed (file kept for inspection)")]
    public static partial void SegmentDamaged(ILogger logger, string path, long offset, WalDamage damage, long bytes);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "WAL segment {Path} has an unreadable header ({Damage}); it is skipped and left in place")]
    public static partial void SegmentSkipped(ILogger logger, string path, WalDamage damage);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "WAL segment {Path} is shorter than its header ({Length} bytes, a crash while it was created); it holds no record and was deleted")]
    public static partial void ShortSegmentDeleted(ILogger logger, string path, long length);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information,
        Message = "WAL replayed {Records} records ({Bytes} bytes) from {Segments} segments in {Directory}; {Damages} damaged places; writing to segment {Active}")]
    public static partial void Recovered(ILogger logger, long records, long bytes, int segments, string directory, int damages, ulong active);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error,
        Message = "WAL write failed in {Directory}; the log is now failed and refuses appends until it is reopened")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string directory);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "WAL could not delete released segment {Path}")]
    public static partial void DeleteFailed(ILogger logger, Exception exception, string path);
}
