using Loggia.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loggia.Storage.Wal;

/// <summary>Settings of a <see cref="WriteAheadLog"/>.</summary>
public sealed class WalOptions
{
    /// <summary>64 MiB: large enough that rolling and directory fsyncs are rare, small enough that release frees disk promptly.</summary>
    public const long DefaultSegmentSizeBytes = 64L * 1024 * 1024;

    /// <summary>64 MiB of accepted-but-not-yet-durable records before appenders wait.</summary>
    public const long DefaultMaxPendingBytes = 64L * 1024 * 1024;

    /// <summary>16 MiB: far above a push request of ~1,000 lines (~200 KB), far below the format ceiling.</summary>
    public const int DefaultMaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>4 MiB: one write call carries a whole batch of ~16 push requests.</summary>
    public const int DefaultWriteBufferBytes = 4 * 1024 * 1024;

    /// <summary>The directory holding the segment files; created if missing. Must be used by one WAL only.</summary>
    public required string DirectoryPath { get; init; }

    /// <summary>A segment is closed and a new one started before a record would make it larger than this.</summary>
    public long SegmentSizeBytes { get; init; } = DefaultSegmentSizeBytes;

    /// <summary>
    /// Bound on the bytes (record headers included) accepted but not yet durable. Appends wait (backpressure)
    /// while it is full; see <see cref="WriteAheadLog.PendingBytes"/>. Must be at least <see cref="MaxRecordBytes"/> + 9.
    /// </summary>
    public long MaxPendingBytes { get; init; } = DefaultMaxPendingBytes;

    /// <summary>Largest payload an append accepts (at most 256 MiB, the format's ceiling).</summary>
    public int MaxRecordBytes { get; init; } = DefaultMaxRecordBytes;

    /// <summary>Size of the writer's single pooled buffer; a batch is written in chunks of this size.</summary>
    public int WriteBufferBytes { get; init; } = DefaultWriteBufferBytes;

    /// <summary>The owner of the WAL's instruments (the server's scope, so that its <c>/metrics</c> reports them).</summary>
    public MetricsScope Metrics { get; init; } = new();

    /// <summary>Whether each batch is fsynced before its appends complete.</summary>
    public WalSyncMode SyncMode { get; init; } = WalSyncMode.Fsync;

    /// <summary>Receives recovery warnings (torn tails, corruption) and write failures.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Clock for the fsync duration metric.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DirectoryPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordBytes, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRecordBytes, WalFormat.MaxRecordBytesLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentSizeBytes, WalFormat.SegmentHeaderSize + WalFormat.RecordHeaderSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferBytes, 4096);
        ArgumentNullException.ThrowIfNull(Logger);
        ArgumentNullException.ThrowIfNull(TimeProvider);

        // A record larger than the whole budget could never be admitted: fail at configuration, not at 3 a.m.
        if (MaxPendingBytes < (long)MaxRecordBytes + WalFormat.RecordHeaderSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxPendingBytes),
                MaxPendingBytes,
                $"{nameof(MaxPendingBytes)} must be at least {nameof(MaxRecordBytes)} + {WalFormat.RecordHeaderSize} ({(long)MaxRecordBytes + WalFormat.RecordHeaderSize}).");
        }
    }
}
