using System.Collections.Concurrent;
using Loggia.Core.Model;

namespace Loggia.Storage.Head;

/// <summary>
/// One tenant's streams, keyed by fingerprint. Fingerprints can collide, so each key holds a small array of streams
/// told apart by their labels; the arrays are replaced, never changed, so lookups need no lock.
/// </summary>
internal sealed class TenantHead : IDisposable
{
    private readonly ConcurrentDictionary<ulong, StreamHead[]> _streams = new();
    private readonly Lock _membership = new();
    private long _bytes;
    private long _entries;
    private int _streamCount;

    public TenantHead(TenantId tenant) => Tenant = tenant;

    public TenantId Tenant { get; }

    public long Bytes => Volatile.Read(ref _bytes);

    public long Entries => Volatile.Read(ref _entries);

    public int StreamCount => Volatile.Read(ref _streamCount);

    /// <summary>Serializes flush bookkeeping: taking, registering, completing and aborting.</summary>
    public Lock FlushLock { get; } = new();

    /// <summary>The flush in progress, or null. Guarded by <see cref="FlushLock"/>.</summary>
    public HeadFlush? PendingFlush { get; set; }

    /// <summary>
    /// Queries hold it shared while they snapshot; completing a flush holds it exclusively while it removes entries
    /// and forgets the block ids, so a query sees either the entries and the ids or neither.
    /// </summary>
    public ReaderWriterLockSlim SwapLock { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Ids of blocks published (or about to be) whose entries are still in the head. Guarded by <see cref="SwapLock"/>.</summary>
    public HashSet<string> BlocksStillInHead { get; } = new(StringComparer.Ordinal);

    public StreamHead GetOrCreate(Labels labels, ulong fingerprint, long nowTicks)
    {
        if (_streams.TryGetValue(fingerprint, out StreamHead[]? candidates) && Find(candidates, labels) is { } found)
        {
            return found;
        }

        lock (_membership)
        {
            candidates = _streams.GetValueOrDefault(fingerprint) ?? [];
            if (Find(candidates, labels) is { } raced)
            {
                return raced;
            }

            var stream = new StreamHead(labels, fingerprint, nowTicks);
            _streams[fingerprint] = [.. candidates, stream];
            _streamCount++;
            return stream;
        }
    }

    public void Remove(StreamHead stream)
    {
        lock (_membership)
        {
            if (!_streams.TryGetValue(stream.Fingerprint, out StreamHead[]? candidates))
            {
                return;
            }

            int index = Array.IndexOf(candidates, stream);
            if (index < 0)
            {
                return;
            }

            if (candidates.Length == 1)
            {
                _streams.TryRemove(stream.Fingerprint, out _);
            }
            else
            {
                var rest = new StreamHead[candidates.Length - 1];
                Array.Copy(candidates, 0, rest, 0, index);
                Array.Copy(candidates, index + 1, rest, index, rest.Length - index);
                _streams[stream.Fingerprint] = rest;
            }

            _streamCount--;
        }
    }

    /// <summary>Adds every current stream to <paramref name="into"/>.</summary>
    public void CollectStreams(List<StreamHead> into)
    {
        foreach (KeyValuePair<ulong, StreamHead[]> pair in _streams)
        {
            into.AddRange(pair.Value);
        }
    }

    public void AddSize(long entries, long bytes)
    {
        Interlocked.Add(ref _entries, entries);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Dispose() => SwapLock.Dispose();

    private static StreamHead? Find(StreamHead[] candidates, Labels labels)
    {
        foreach (StreamHead stream in candidates)
        {
            // Same fingerprint is likely the same labels; Equals confirms it (reference check first). A removed
            // stream is skipped so that an append racing with its removal creates the successor at once.
            if (!stream.IsRemoved && stream.Labels.Equals(labels))
            {
                return stream;
            }
        }

        return null;
    }
}
