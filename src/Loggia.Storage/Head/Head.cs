using System.Collections.Concurrent;
using Loggia.Core.Model;
using Loggia.Storage.Blocks;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Head;

/// <summary>
/// The in-memory store of recent entries, per tenant and stream: entries are queryable from the moment they are
/// appended until a flush has moved them into a published block.
/// </summary>
/// <remarks>
/// <para>
/// Write path: <see cref="Append"/> (validates as Loki's ingester does, copies into head memory), then the server
/// writes the accepted entries to the WAL (<see cref="HeadWalRecordWriter"/>) and acknowledges once durable. Append
/// before the WAL, as Loki does, so the WAL holds only what the head accepted and replay need not re-validate.
/// </para>
/// <para>
/// Concurrency: a lock per stream, taken once per batch; tenants and streams are found without locks. Queries take
/// snapshots (<see cref="Select"/>) that later appends and flushes do not change.
/// </para>
/// </remarks>
public sealed class Head : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantHead> _tenants = new(StringComparer.Ordinal);
    private readonly HeadOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<Labels, ulong> _fingerprint;
    private readonly HeadMetrics _metrics;
    private readonly long _windowNanos;

    /// <summary>Creates an empty head.</summary>
    public Head(HeadOptions? options = null)
        : this(options ?? new HeadOptions(), static labels => labels.Fingerprint)
    {
    }

    /// <summary>Test seam: a fingerprint function that can be made to collide.</summary>
    internal Head(HeadOptions options, Func<Labels, ulong> fingerprint)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = options.TimeProvider;
        _fingerprint = fingerprint;
        _windowNanos = options.OutOfOrderWindow.Ticks * TimeSpan.NanosecondsPerTick;
        _metrics = new HeadMetrics(options.Metrics, () => Bytes, () => Entries, () => Streams);
    }

    internal HeadMetrics Metrics => _metrics;

    /// <summary>Entry bytes (line plus structured metadata) held, all tenants.</summary>
    public long Bytes
    {
        get
        {
            long sum = 0;
            foreach (KeyValuePair<string, TenantHead> pair in _tenants)
            {
                sum += pair.Value.Bytes;
            }

            return sum;
        }
    }

    /// <summary>Entries held, all tenants.</summary>
    public long Entries
    {
        get
        {
            long sum = 0;
            foreach (KeyValuePair<string, TenantHead> pair in _tenants)
            {
                sum += pair.Value.Entries;
            }

            return sum;
        }
    }

    /// <summary>Streams held, all tenants (including streams emptied by a flush and not yet idle).</summary>
    public long Streams
    {
        get
        {
            long sum = 0;
            foreach (KeyValuePair<string, TenantHead> pair in _tenants)
            {
                sum += pair.Value.StreamCount;
            }

            return sum;
        }
    }

    /// <summary>Entry bytes held for <paramref name="tenant"/>.</summary>
    public long TenantBytes(TenantId tenant) => _tenants.TryGetValue(tenant.Value, out TenantHead? t) ? t.Bytes : 0;

    /// <summary>Entries held for <paramref name="tenant"/>.</summary>
    public long TenantEntries(TenantId tenant) => _tenants.TryGetValue(tenant.Value, out TenantHead? t) ? t.Entries : 0;

    /// <summary>Tenants the head has seen (a flush loop visits each).</summary>
    public IReadOnlyList<TenantId> Tenants()
    {
        var tenants = new List<TenantId>(_tenants.Count);
        foreach (KeyValuePair<string, TenantHead> pair in _tenants)
        {
            tenants.Add(pair.Value.Tenant);
        }

        return tenants;
    }

    /// <summary>
    /// Appends a batch of one stream's entries, in one lock acquisition. Each entry is stored, dropped as an exact
    /// duplicate (same timestamp and line: silently, as Loki does), or rejected as <c>too_far_behind</c> (older than
    /// the stream's newest timestamp minus <see cref="HeadOptions.OutOfOrderWindow"/>); the stream's newest timestamp
    /// advances within the batch. Lines and metadata are copied: the caller may reuse its buffers on return.
    /// </summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="labels">The stream labels (validated by the caller).</param>
    /// <param name="entries">The entries, in the order received.</param>
    /// <param name="outcomes">Optional, one slot per entry: what happened to each (for the WAL record and the reply).</param>
    /// <param name="walFloor">
    /// <see cref="WriteAheadLog.LastPosition"/> read before this call: the record carrying these entries will be
    /// after it. The head keeps the lowest floor of unflushed data (<see cref="UnflushedWalFloor"/>).
    /// </param>
    public HeadAppendResult Append(TenantId tenant, Labels labels, ReadOnlySpan<LogEntry> entries, Span<HeadAppendOutcome> outcomes = default, WalPosition walFloor = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!outcomes.IsEmpty && outcomes.Length < entries.Length)
        {
            throw new ArgumentException("Need one outcome slot per entry.", nameof(outcomes));
        }

        return AppendCore(tenant, labels, entries, outcomes, walFloor, isReplay: false);
    }

    private HeadAppendResult AppendCore(TenantId tenant, Labels labels, ReadOnlySpan<LogEntry> entries, Span<HeadAppendOutcome> outcomes, WalPosition walFloor, bool isReplay)
    {
        if (entries.IsEmpty)
        {
            return default;
        }

        TenantHead tenantHead = _tenants.GetOrAdd(tenant.Value, static (_, t) => new TenantHead(t), tenant);
        ulong fingerprint = _fingerprint(labels);
        long now = _time.GetUtcNow().UtcTicks;
        var context = new AppendContext(now, _windowNanos, _options.ChunkEntries, walFloor, isReplay);
        var totals = default(AppendTotals);

        // A stream removed (idle and empty) between lookup and lock refuses the append; the next lookup skips it.
        while (!tenantHead.GetOrCreate(labels, fingerprint, now).Append(entries, outcomes, in context, ref totals))
        {
        }

        if (totals.Appended > 0)
        {
            tenantHead.AddSize(totals.Appended, totals.Bytes);
            _metrics.Appended.Add(totals.Appended);
        }

        if (totals.Duplicates > 0)
        {
            _metrics.Deduplicated.Add(totals.Duplicates);
        }

        if (totals.Rejections is { Count: > 0 } rejections)
        {
            _metrics.Rejected.Add(rejections.Count, new KeyValuePair<string, object?>("reason", HeadRejection.TooFarBehindReason));
        }

        return new HeadAppendResult(totals.Appended, totals.Duplicates, totals.Bytes, totals.Rejections);
    }

    /// <summary>
    /// Snapshots the entries in [<paramref name="fromNanos"/>, <paramref name="toNanos"/>] (both inclusive) of every
    /// stream of <paramref name="tenant"/> whose labels pass <paramref name="streamFilter"/>. Streams with no entry
    /// in the range are left out. Read the head before the catalog and skip
    /// <see cref="HeadSelection.BlocksStillInHead"/> there (see <see cref="HeadSelection"/>).
    /// </summary>
    public HeadSelection Select(TenantId tenant, Func<Labels, bool> streamFilter, long fromNanos, long toNanos)
    {
        ArgumentNullException.ThrowIfNull(streamFilter);
        if (fromNanos > toNanos || !_tenants.TryGetValue(tenant.Value, out TenantHead? tenantHead))
        {
            return HeadSelection.Empty;
        }

        var matching = new List<StreamHead>();
        tenantHead.CollectStreams(matching);
        int kept = 0;
        for (int i = 0; i < matching.Count; i++)
        {
            if (streamFilter(matching[i].Labels))
            {
                matching[kept++] = matching[i];
            }
        }

        matching.RemoveRange(kept, matching.Count - kept);

        var snapshots = new List<HeadStreamSnapshot>(matching.Count);
        var runs = new List<HeadRun>();
        HashSet<string> blocks;
        tenantHead.SwapLock.EnterReadLock();
        try
        {
            blocks = new HashSet<string>(tenantHead.BlocksStillInHead, StringComparer.Ordinal);
            foreach (StreamHead stream in matching)
            {
                runs.Clear();
                stream.Capture(fromNanos, toNanos, runs);
                if (runs.Count > 0)
                {
                    snapshots.Add(new HeadStreamSnapshot(stream.Labels, stream.Fingerprint, runs));
                }
            }
        }
        finally
        {
            tenantHead.SwapLock.ExitReadLock();
        }

        return new HeadSelection(snapshots, blocks);
    }

    /// <summary>Label names of the tenant's streams with entries in [from, to], sorted (ordinal), distinct.</summary>
    public IReadOnlyList<string> LabelNames(TenantId tenant, long fromNanos, long toNanos)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (StreamHead stream in StreamsOverlapping(tenant, fromNanos, toNanos))
        {
            foreach (LabelPair pair in stream.Labels.Pairs)
            {
                names.Add(pair.Name);
            }
        }

        return SortedList(names);
    }

    /// <summary>Values of label <paramref name="name"/> in the tenant's streams with entries in [from, to], sorted, distinct.</summary>
    public IReadOnlyList<string> LabelValues(TenantId tenant, string name, long fromNanos, long toNanos)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (StreamHead stream in StreamsOverlapping(tenant, fromNanos, toNanos))
        {
            foreach (LabelPair pair in stream.Labels.Pairs)
            {
                if (string.Equals(pair.Name, name, StringComparison.Ordinal))
                {
                    values.Add(pair.Value);
                }
            }
        }

        return SortedList(values);
    }

    /// <summary>Label sets of the tenant's streams that pass <paramref name="filter"/> and have entries in [from, to].</summary>
    public IReadOnlyList<Labels> Series(TenantId tenant, Func<Labels, bool> filter, long fromNanos, long toNanos)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var series = new List<Labels>();
        foreach (StreamHead stream in StreamsOverlapping(tenant, fromNanos, toNanos))
        {
            if (filter(stream.Labels))
            {
                series.Add(stream.Labels);
            }
        }

        return series;
    }

    private List<StreamHead> StreamsOverlapping(TenantId tenant, long fromNanos, long toNanos)
    {
        var streams = new List<StreamHead>();
        if (fromNanos > toNanos || !_tenants.TryGetValue(tenant.Value, out TenantHead? tenantHead))
        {
            return streams;
        }

        tenantHead.CollectStreams(streams);
        int kept = 0;
        for (int i = 0; i < streams.Count; i++)
        {
            if (streams[i].Overlaps(fromNanos, toNanos))
            {
                streams[kept++] = streams[i];
            }
        }

        streams.RemoveRange(kept, streams.Count - kept);
        return streams;
    }

    private static string[] SortedList(HashSet<string> set)
    {
        var list = new string[set.Count];
        set.CopyTo(list);
        Array.Sort(list, StringComparer.Ordinal);
        return list;
    }

    /// <summary>
    /// Takes the tenant's data that should go to a block now, or null if nothing is due or a flush of this tenant
    /// is already in progress. <see cref="HeadFlushMode.Due"/>: everything when the tenant holds at least
    /// <see cref="HeadOptions.MaxTenantBytes"/>, else the streams whose oldest data arrived
    /// <see cref="HeadOptions.MaxChunkAge"/> ago or that were idle for <see cref="HeadOptions.ChunkIdlePeriod"/>.
    /// Also forgets streams that are empty and idle.
    /// </summary>
    public HeadFlush? TakeFlushable(TenantId tenant, HeadFlushMode mode = HeadFlushMode.Due)
    {
        if (!_tenants.TryGetValue(tenant.Value, out TenantHead? tenantHead))
        {
            return null;
        }

        lock (tenantHead.FlushLock)
        {
            if (tenantHead.PendingFlush is not null)
            {
                return null;
            }

            long now = _time.GetUtcNow().UtcTicks;
            HeadFlushReason? tenantReason = mode == HeadFlushMode.All ? HeadFlushReason.Forced
                : tenantHead.Bytes >= _options.MaxTenantBytes ? HeadFlushReason.Size
                : null;

            var streams = new List<StreamHead>();
            tenantHead.CollectStreams(streams);
            var parts = new List<FlushPart>();
            HeadFlushReason strongest = HeadFlushReason.Idle;
            foreach (StreamHead stream in streams)
            {
                HeadFlushReason? reason = tenantReason ?? stream.FlushDue(now, _options);
                if (reason is null)
                {
                    if (stream.TryRemoveIfIdleAndEmpty(now, _options.ChunkIdlePeriod.Ticks))
                    {
                        tenantHead.Remove(stream);
                    }

                    continue;
                }

                HeadChunk[] chunks = stream.BeginFlush();
                if (chunks.Length == 0)
                {
                    continue;
                }

                parts.Add(new FlushPart(stream, chunks));
                if (reason.Value > strongest)
                {
                    strongest = reason.Value;
                }
            }

            if (parts.Count == 0)
            {
                return null;
            }

            HeadFlush flush = BuildFlush(tenantHead, strongest, parts);
            tenantHead.PendingFlush = flush;
            return flush;
        }
    }

    private static HeadFlush BuildFlush(TenantHead tenantHead, HeadFlushReason reason, List<FlushPart> parts)
    {
        var inputs = new List<BlockStreamInput>(parts.Count);
        var runs = new List<HeadRun>();
        long entries = 0;
        long bytes = 0;
        long min = long.MaxValue;
        long max = long.MinValue;
        foreach (FlushPart part in parts)
        {
            runs.Clear();
            foreach (HeadChunk chunk in part.Chunks)
            {
                runs.Add(new HeadRun(chunk.Entries, 0, chunk.Count));
                bytes += chunk.Bytes;
            }

            HeadRun[] ordered = HeadStreamSnapshot.Normalize(runs);
            var blockEntries = new List<BlockEntry>();
            foreach (HeadRun run in ordered)
            {
                foreach (HeadEntry entry in run.Span)
                {
                    blockEntries.Add(new BlockEntry(entry.TimestampNanos, entry.Line, EntryMetadata.FromEncoded(entry.Metadata)));
                }
            }

            entries += blockEntries.Count;
            min = Math.Min(min, blockEntries[0].TimestampNanos);
            max = Math.Max(max, blockEntries[^1].TimestampNanos);
            inputs.Add(new BlockStreamInput(part.Stream.Fingerprint, part.Stream.Labels.ToString(), ToKeyValues(part.Stream.Labels.Pairs) ?? [], blockEntries));
        }

        return new HeadFlush(tenantHead, reason, parts, inputs, entries, bytes, min, max);
    }

    private static KeyValuePair<string, string>[]? ToKeyValues(ReadOnlySpan<LabelPair> pairs)
    {
        if (pairs.IsEmpty)
        {
            return null;
        }

        var list = new KeyValuePair<string, string>[pairs.Length];
        for (int i = 0; i < pairs.Length; i++)
        {
            list[i] = new KeyValuePair<string, string>(pairs[i].Name, pairs[i].Value);
        }

        return list;
    }

    /// <summary>
    /// Records that <paramref name="flush"/>'s data was written as block <paramref name="blockId"/>. Call it before
    /// publishing the block: from now until <see cref="CompleteFlush"/>, queries skip that block in the catalog.
    /// </summary>
    public void RegisterBlock(HeadFlush flush, string blockId)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        TenantHead tenantHead = OwnTenant(flush);
        lock (tenantHead.FlushLock)
        {
            EnsurePending(flush);
            tenantHead.SwapLock.EnterWriteLock();
            try
            {
                tenantHead.BlocksStillInHead.Add(blockId);
            }
            finally
            {
                tenantHead.SwapLock.ExitWriteLock();
            }

            flush.AddBlockId(blockId);
        }
    }

    /// <summary>
    /// Removes exactly the flushed entries (the block is published now); entries appended since stay. Atomic for
    /// queries: a snapshot sees either the entries and the block id to skip, or neither.
    /// </summary>
    public void CompleteFlush(HeadFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        TenantHead tenantHead = OwnTenant(flush);
        lock (tenantHead.FlushLock)
        {
            EnsurePending(flush);
            long entries = 0;
            long bytes = 0;
            tenantHead.SwapLock.EnterWriteLock();
            try
            {
                foreach (FlushPart part in flush.Parts)
                {
                    (long e, long b) = part.Stream.CompleteFlush(part.Chunks);
                    entries += e;
                    bytes += b;
                }

                foreach (string id in flush.BlockIds)
                {
                    tenantHead.BlocksStillInHead.Remove(id);
                }
            }
            finally
            {
                tenantHead.SwapLock.ExitWriteLock();
            }

            tenantHead.AddSize(-entries, -bytes);
            Finish(flush);
        }
    }

    /// <summary>Gives up a flush (the block could not be written or published): its data stays in the head.</summary>
    public void AbortFlush(HeadFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        TenantHead tenantHead = OwnTenant(flush);
        lock (tenantHead.FlushLock)
        {
            EnsurePending(flush);
            tenantHead.SwapLock.EnterWriteLock();
            try
            {
                foreach (string id in flush.BlockIds)
                {
                    tenantHead.BlocksStillInHead.Remove(id);
                }
            }
            finally
            {
                tenantHead.SwapLock.ExitWriteLock();
            }

            foreach (FlushPart part in flush.Parts)
            {
                part.Stream.AbortFlush();
            }

            Finish(flush);
        }
    }

    private TenantHead OwnTenant(HeadFlush flush)
    {
        if (!_tenants.TryGetValue(flush.Tenant.Value, out TenantHead? tenantHead) || !ReferenceEquals(tenantHead, flush.TenantHead))
        {
            throw new ArgumentException("The flush was taken from another head.", nameof(flush));
        }

        return tenantHead;
    }

    private static void EnsurePending(HeadFlush flush)
    {
        if (flush.IsFinished || !ReferenceEquals(flush.TenantHead.PendingFlush, flush))
        {
            throw new InvalidOperationException("This flush is not in progress (already completed or aborted).");
        }
    }

    private static void Finish(HeadFlush flush)
    {
        flush.IsFinished = true;
        flush.TenantHead.PendingFlush = null;
    }

    /// <summary>
    /// The lowest WAL floor of any entry still in the head (flushing or not), or null when the head is empty. Every
    /// WAL record before <c>min(floor, LastPosition read before this call)</c> is in published blocks: that is the
    /// position to store with the block ("published up to") and to give <see cref="WriteAheadLog.ReleaseBefore"/>.
    /// </summary>
    public WalPosition? UnflushedWalFloor()
    {
        WalPosition? floor = null;
        var streams = new List<StreamHead>();
        foreach (KeyValuePair<string, TenantHead> pair in _tenants)
        {
            streams.Clear();
            pair.Value.CollectStreams(streams);
            foreach (StreamHead stream in streams)
            {
                stream.LowerWalFloor(ref floor);
            }
        }

        return floor;
    }

    /// <summary>
    /// Applies a WAL record at startup (call it from the WAL's replay callback). Records of other types and records
    /// before <paramref name="publishedUpTo"/> (already in published blocks) are skipped. Replayed entries skip the
    /// out-of-order cutoff, as in Loki: they were accepted once. Exact duplicates are still dropped, so replaying a
    /// record twice adds nothing.
    /// </summary>
    /// <returns>Whether the record was applied.</returns>
    /// <exception cref="HeadWalRecordException">The payload is corrupt.</exception>
    public bool Replay(WalRecord record, WalPosition publishedUpTo)
    {
        if (record.Type != HeadWalRecord.EntriesRecordType || record.Position < publishedUpTo)
        {
            return false;
        }

        HeadWalBatch batch = HeadWalRecord.Decode(record.Payload);
        foreach (HeadWalStreamEntries stream in batch.Streams)
        {
            AppendCore(batch.Tenant, stream.Labels, stream.Entries, default, record.Position, isReplay: true);
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _metrics.Dispose();
        foreach (KeyValuePair<string, TenantHead> pair in _tenants)
        {
            pair.Value.Dispose();
        }
    }
}
