using Loggia.Core.IO;
using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Loggia.Storage.Wal;

/// <summary>
/// A segmented, checksummed write-ahead log with group commit. Records are opaque (type byte, payload);
/// an append completes only once its record is written and, in <see cref="WalSyncMode.Fsync"/>, fsynced.
/// </summary>
/// <remarks>
/// One background writer thread takes every queued append, copies the records into one pooled buffer,
/// writes it with as few positional writes as the buffer size allows, fsyncs once, then completes all of
/// them: concurrent appenders share one write and one fsync. Format: <c>docs/formats/wal.md</c>.
/// Thread-safe: any number of threads may append concurrently.
/// </remarks>
public sealed class WriteAheadLog : IAsyncDisposable
{
    /// <summary>Name of the file whose exclusive lock keeps a second process out of the directory.</summary>
    public const string LockFileName = "wal.lock";

    // Bounds one group commit: at a few hundred MB/s this is tens of milliseconds of writing, past which the
    // first appender of the batch would wait longer than sharing the fsync saves.
    private const long MaxBatchBytes = 16L * 1024 * 1024;

    private readonly WalOptions _options;
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly FileStream _lockFile;
    private readonly WalMetrics _metrics;
    private readonly PendingBytesBudget _budget;
    private readonly AppendOperationPool _pool = new();
    private readonly ConcurrentQueue<AppendOperation> _queue = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly TaskCompletionSource _writerExited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // State shared with readers of LastPosition/TotalBytes and with ReleaseBefore.
    private readonly Lock _stateLock = new();
    private readonly List<(ulong Sequence, long Size)> _closedSegments = [];
    private long _closedBytes;
    private long _activeBytes;
    private WalPosition _lastPosition;

    // Writer-thread state.
    private readonly List<AppendOperation> _batch = [];
    private WalSegmentFile? _active;
    private byte[] _buffer = [];
    private int _buffered;

    private int _writerIdle;
    private int _stopRequested;
    private int _disposeStarted;
    private Exception? _terminal;
    private long _fsyncCount;

    private WriteAheadLog(WalOptions options, string directory, FileStream lockFile)
    {
        _options = options;
        _directory = directory;
        _logger = options.Logger;
        _time = options.TimeProvider;
        _lockFile = lockFile;
        _budget = new PendingBytesBudget(options.MaxPendingBytes);
        _metrics = new WalMetrics(options.Metrics, () => _budget.Used, () => SegmentCount);
    }

    /// <summary>What recovery found when the log was opened.</summary>
    public WalRecoverySummary Recovery { get; private set; } = new();

    /// <summary>Position of the last durable record (replayed or appended); <c>default</c> if there is none.</summary>
    public WalPosition LastPosition
    {
        get
        {
            lock (_stateLock)
            {
                return _lastPosition;
            }
        }
    }

    /// <summary>Bytes of all segment files on disk (durable part of the active one).</summary>
    public long TotalBytes
    {
        get
        {
            lock (_stateLock)
            {
                return _closedBytes + _activeBytes;
            }
        }
    }

    /// <summary>Bytes accepted but not yet durable; compare with <see cref="MaxPendingBytes"/> to shed load (429/503).</summary>
    public long PendingBytes => _budget.Used;

    /// <summary>The backpressure bound from <see cref="WalOptions.MaxPendingBytes"/>.</summary>
    public long MaxPendingBytes => _budget.Limit;

    /// <summary>
    /// True when the pending budget is used up or appenders are already waiting for room: the moment for a
    /// server to answer 429/503 instead of queueing more requests behind the disk.
    /// </summary>
    public bool IsSaturated => _budget.IsSaturated;

    /// <summary>The error that failed the log, or null while it is healthy (or merely disposed).</summary>
    public Exception? Failure => Volatile.Read(ref _terminal) as WalFailedException;

    /// <summary>fsyncs of segment data so far (tests check that group commit shares them).</summary>
    internal long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>The backpressure budget (tests fill it to reach a deterministic saturated state).</summary>
    internal PendingBytesBudget Budget => _budget;

    /// <summary>Test seam: runs on the writer thread before each write call; a throw simulates a disk error.</summary>
    internal Action? BeforeWrite { get; set; }

    /// <summary>Segment files currently held, the active one included.</summary>
    internal int SegmentCount
    {
        get
        {
            lock (_stateLock)
            {
                return _closedSegments.Count + 1;
            }
        }
    }

    /// <summary>
    /// Opens (creating if needed) the WAL in <see cref="WalOptions.DirectoryPath"/>, replays every valid record
    /// of every segment in order through <paramref name="replay"/>, repairs a torn tail (with a warning), and
    /// starts a new segment for new appends. Damaged data never throws; see <c>docs/formats/wal.md</c> for what
    /// happens to each kind of damage.
    /// </summary>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="replay">Called once per record, in log order. The payload is only valid during the call.</param>
    /// <exception cref="IOException">The directory cannot be used (I/O error, or locked by another WAL).</exception>
    /// <exception cref="NotSupportedException">A segment was written by a newer, unknown format version.</exception>
    public static WriteAheadLog Open(WalOptions options, Action<WalRecord> replay)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(replay);
        options.Validate();

        string directory = Path.GetFullPath(options.DirectoryPath);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            string? parent = Path.GetDirectoryName(directory.TrimEnd(Path.DirectorySeparatorChar));
            if (parent is not null)
            {
                DirectorySync.Flush(parent);
            }
        }

        // FileShare.None takes an exclusive advisory lock (flock on Unix): a second WAL on the same
        // directory would interleave segments and destroy both logs.
        var lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        WriteAheadLog? wal = null;
        try
        {
            wal = new WriteAheadLog(options, directory, lockFile);
            wal.Recover(replay);
            wal.StartWriter();
            return wal;
        }
        catch
        {
            if (wal is not null)
            {
                wal._active?.Dispose();
                wal._metrics.Dispose();
            }

            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends one record. The returned task completes with the record's position once it is durable, or faults
    /// with the I/O error if it could not be written (never success for unwritten data). Waits while
    /// <see cref="MaxPendingBytes"/> are pending (backpressure).
    /// </summary>
    /// <param name="type">Caller-defined record type, given back by replay.</param>
    /// <param name="payload">The payload. It is copied by the writer, so it must stay unchanged until the task completes.</param>
    /// <param name="cancellationToken">Observed only while waiting for room: once queued, a record is written.</param>
    /// <exception cref="ArgumentOutOfRangeException">The payload exceeds <see cref="WalOptions.MaxRecordBytes"/>.</exception>
    /// <exception cref="WalFailedException">(In the task) the log failed earlier; reopen it.</exception>
    /// <exception cref="ObjectDisposedException">(In the task) the log is disposed.</exception>
    public ValueTask<WalPosition> AppendAsync(byte type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length > _options.MaxRecordBytes)
        {
            ThrowRecordTooLarge(nameof(payload), payload.Length);
        }

        if (Volatile.Read(ref _terminal) is { } terminal)
        {
            return ValueTask.FromException<WalPosition>(terminal);
        }

        if (Volatile.Read(ref _stopRequested) != 0)
        {
            return ValueTask.FromException<WalPosition>(CreateDisposedException());
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WalPosition>(cancellationToken);
        }

        int recordBytes = WalFormat.RecordHeaderSize + payload.Length;
        return _budget.TryAcquire(recordBytes)
            ? Enqueue(type, payload)
            : AppendAfterWaitAsync(type, payload, recordBytes, cancellationToken);
    }

    /// <summary>
    /// Deletes every closed segment all of whose records are before <paramref name="position"/> (that is, whose
    /// sequence is lower than <c>position.Segment</c>). Call it once those records are published in blocks.
    /// The active segment is never deleted. Deletion failures are logged, not thrown: they only delay reclaiming space.
    /// </summary>
    public void ReleaseBefore(WalPosition position)
    {
        List<(ulong Sequence, long Size)>? released = null;
        lock (_stateLock)
        {
            // _closedSegments is sorted and never holds the active segment.
            int count = 0;
            while (count < _closedSegments.Count && _closedSegments[count].Sequence < position.Segment)
            {
                count++;
            }

            if (count == 0)
            {
                return;
            }

            released = _closedSegments.GetRange(0, count);
            _closedSegments.RemoveRange(0, count);
            foreach ((ulong _, long size) in released)
            {
                _closedBytes -= size;
            }
        }

        bool deletedAny = false;
        foreach ((ulong sequence, long size) in released)
        {
            string path = Path.Combine(_directory, WalFormat.SegmentFileName(sequence));
            try
            {
                File.Delete(path);
                deletedAny = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WalLog.DeleteFailed(_logger, ex, path);
                lock (_stateLock)
                {
                    // Keep it listed so that a later release retries and TotalBytes stays true.
                    _closedSegments.Add((sequence, size));
                    _closedSegments.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
                    _closedBytes += size;
                }
            }
        }

        if (deletedAny)
        {
            try
            {
                DirectorySync.Flush(_directory);
            }
            catch (IOException ex)
            {
                // Worst case after a crash: released segments reappear and are replayed again (at-least-once).
                WalLog.DeleteFailed(_logger, ex, _directory);
            }
        }
    }

    /// <summary>Writes and fsyncs everything already queued, stops the writer and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 0)
        {
            Volatile.Write(ref _stopRequested, 1);
            _wake.Set();
            await _writerExited.Task.ConfigureAwait(false);
            _metrics.Dispose();
            await _lockFile.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _writerExited.Task.ConfigureAwait(false);
        }
    }

    private void Recover(Action<WalRecord> replay)
    {
        var recovery = new WalRecovery(_directory, _logger, _metrics);
        recovery.Run(replay);
        Recovery = recovery.Summary;

        foreach ((ulong sequence, long size) in recovery.Segments)
        {
            _closedSegments.Add((sequence, size));
            _closedBytes += size;
        }

        _lastPosition = recovery.LastPosition;

        // New appends always go to a new segment: the old tail stays exactly as recovery left it.
        _active = WalSegmentFile.Create(_directory, checked(recovery.MaxSequence + 1));
        _activeBytes = _active.Length;

        if (recovery.Obsolete.Count > 0)
        {
            foreach (string path in recovery.Obsolete)
            {
                try
                {
                    File.Delete(path);
                    Recovery.SegmentsDeleted++;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Harmless to keep (it holds no record): the next open tries again.
                    WalLog.DeleteFailed(_logger, ex, path);
                }
            }

            DirectorySync.Flush(_directory);
        }

        WalLog.Recovered(_logger, Recovery.RecordsReplayed, Recovery.BytesReplayed, Recovery.SegmentsScanned, _directory, Recovery.Damages, _active.Sequence);
    }

    private void StartWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(_options.WriteBufferBytes);

        // A dedicated thread: write and fsync block for milliseconds and must not hold thread-pool threads.
        var thread = new Thread(WriterLoop) { IsBackground = true, Name = "Loggia WAL writer" };
        thread.Start();
    }

    private async ValueTask<WalPosition> AppendAfterWaitAsync(byte type, ReadOnlyMemory<byte> payload, int recordBytes, CancellationToken cancellationToken)
    {
        await _budget.AcquireAsync(recordBytes, cancellationToken).ConfigureAwait(false);
        return await Enqueue(type, payload).ConfigureAwait(false);
    }

    private ValueTask<WalPosition> Enqueue(byte type, ReadOnlyMemory<byte> payload)
    {
        AppendOperation operation = _pool.Rent();
        operation.Initialize(type, payload);
        short version = operation.Version;
        _queue.Enqueue(operation);

        // Enqueue is an interlocked operation (a full fence), and the writer sets _writerIdle before its last
        // look at the queue: one of the two always sees the other, so no wake-up is lost.
        if (Volatile.Read(ref _writerIdle) != 0)
        {
            _wake.Set();
        }

        // The writer may have failed or stopped after we checked: then nobody will write this operation.
        if (Volatile.Read(ref _terminal) is { } terminal)
        {
            DrainQueue(terminal);
        }

        return new ValueTask<WalPosition>(operation, version);
    }

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                if (_queue.TryDequeue(out AppendOperation? first))
                {
                    CommitBatch(first);
                    continue;
                }

                if (Volatile.Read(ref _stopRequested) != 0)
                {
                    break;
                }

                _wake.Reset();
                Interlocked.Exchange(ref _writerIdle, 1);
                if (_queue.IsEmpty && Volatile.Read(ref _stopRequested) == 0)
                {
                    _wake.Wait();
                }

                Volatile.Write(ref _writerIdle, 0);
            }

            // Clean shutdown is durable even in WalSyncMode.None.
            if (_options.SyncMode == WalSyncMode.None)
            {
                Fsync(_active!);
            }

            Terminate(CreateDisposedException());
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            _active?.Dispose();
            _active = null;
            byte[] buffer = _buffer;
            _buffer = [];
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            _writerExited.TrySetResult();
        }
    }

    private void CommitBatch(AppendOperation first)
    {
        long batchBytes = 0;
        AppendOperation? operation = first;
        do
        {
            // Listed before writing: if the write throws, this operation must fault with the others.
            _batch.Add(operation);
            batchBytes += operation.RecordBytes;
            WriteRecord(operation);
        }
        while (batchBytes < MaxBatchBytes && _queue.TryDequeue(out operation));

        WalSegmentFile active = _active!;
        FlushBuffer(active);
        if (_options.SyncMode == WalSyncMode.Fsync)
        {
            Fsync(active);
        }

        int count = _batch.Count;
        lock (_stateLock)
        {
            _lastPosition = _batch[count - 1].Position;
            _activeBytes = active.Length;
        }

        _metrics.Records.Add(count);
        _metrics.Bytes.Add(batchBytes);
        _metrics.BatchRecords.Record(count);

        // An operation may be recycled as soon as it completes: touch none after Succeed.
        for (int i = 0; i < count; i++)
        {
            _batch[i].Succeed();
        }

        _batch.Clear();
        _budget.Release(batchBytes);
    }

    private void WriteRecord(AppendOperation operation)
    {
        WalSegmentFile active = _active!;
        int recordBytes = operation.RecordBytes;
        long end = active.Length + _buffered;

        // Roll before a record would push the segment past its size, unless the segment holds no record yet
        // (a record larger than a segment then gets a segment of its own).
        if (end > WalFormat.SegmentHeaderSize && end + recordBytes > _options.SegmentSizeBytes)
        {
            active = Roll(active);
            end = active.Length;
        }

        operation.Position = new WalPosition(active.Sequence, end);
        ReadOnlySpan<byte> payload = operation.Payload.Span;
        uint crc = WalFormat.RecordChecksum(operation.Type, payload);

        if (_buffer.Length - _buffered < WalFormat.RecordHeaderSize)
        {
            FlushBuffer(active);
        }

        WalFormat.WriteRecordHeader(_buffer.AsSpan(_buffered), payload.Length, crc, operation.Type);
        _buffered += WalFormat.RecordHeaderSize;

        // The one copy: caller's payload into the batch buffer; a payload larger than the buffer goes out in chunks.
        while (!payload.IsEmpty)
        {
            if (_buffered == _buffer.Length)
            {
                FlushBuffer(active);
            }

            int n = Math.Min(payload.Length, _buffer.Length - _buffered);
            payload[..n].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += n;
            payload = payload[n..];
        }
    }

    private void FlushBuffer(WalSegmentFile active)
    {
        if (_buffered > 0)
        {
            BeforeWrite?.Invoke();
            active.Write(_buffer.AsSpan(0, _buffered));
            _buffered = 0;
        }
    }

    private WalSegmentFile Roll(WalSegmentFile old)
    {
        FlushBuffer(old);

        // The closed segment must be durable on its own: the batch's final fsync only covers the new one.
        if (_options.SyncMode == WalSyncMode.Fsync)
        {
            Fsync(old);
        }

        WalSegmentFile next = WalSegmentFile.Create(_directory, old.Sequence + 1);
        lock (_stateLock)
        {
            _closedSegments.Add((old.Sequence, old.Length));
            _closedBytes += old.Length;
            _activeBytes = next.Length;
        }

        _active = next;
        old.Dispose();
        return next;
    }

    private void Fsync(WalSegmentFile segment)
    {
        long start = _time.GetTimestamp();
        segment.Flush();
        _metrics.FsyncDuration.Record(_time.GetElapsedTime(start).TotalSeconds);
        _metrics.Fsyncs.Add(1);
        Interlocked.Increment(ref _fsyncCount);
    }

    private void Fail(Exception error)
    {
        WalLog.WriteFailed(_logger, error, _directory);
        var failure = new WalFailedException(
            $"The write-ahead log in '{_directory}' failed and accepts no more appends; reopen it to recover. Cause: {error.Message}",
            error);

        // The batch in flight gets the I/O error itself: those callers learn exactly why their write failed.
        long bytes = 0;
        foreach (AppendOperation operation in _batch)
        {
            bytes += operation.RecordBytes;
            operation.Fault(error);
        }

        _batch.Clear();
        _budget.Release(bytes);
        Terminate(failure);
    }

    private void Terminate(Exception terminal)
    {
        // Full fence before draining: pairs with the check at the end of Enqueue.
        Interlocked.CompareExchange(ref _terminal, terminal, null);
        Exception current = Volatile.Read(ref _terminal)!;
        _budget.Fail(current);
        DrainQueue(current);
    }

    private void DrainQueue(Exception error)
    {
        while (_queue.TryDequeue(out AppendOperation? operation))
        {
            int bytes = operation.RecordBytes;
            operation.Fault(error);
            _budget.Release(bytes);
        }
    }

    private ObjectDisposedException CreateDisposedException() => new(nameof(WriteAheadLog), "The write-ahead log is disposed.");

    private void ThrowRecordTooLarge(string paramName, int length) =>
        throw new ArgumentOutOfRangeException(
            paramName,
            length,
            $"A WAL record payload may be at most {_options.MaxRecordBytes} bytes (WalOptions.MaxRecordBytes).");
}
