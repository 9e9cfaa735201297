using System.Threading.Channels;
using Loggia.Core.Model;

namespace Loggia.Server.Tail;

/// <summary>
/// One tail client's queue of live entries. Bounded by entries, not batches: when a push would take the queue past
/// <see cref="CapacityEntries"/>, its entries are dropped for this client only (reported to it as
/// <c>dropped_entries</c> and counted in a metric), so a slow client never slows ingestion or other clients.
/// </summary>
public sealed class TailSubscription : IDisposable
{
    /// <summary>At most this many dropped entries are remembered for one report; more are counted only.</summary>
    public const int MaxReportedDrops = 1000;

    private readonly TailBroadcaster _owner;
    private readonly Channel<TailedEntries> _queue = Channel.CreateUnbounded<TailedEntries>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _droppedLock = new();
    private List<TailDroppedEntry> _dropped = [];
    private long _queuedEntries;

    internal TailSubscription(TailBroadcaster owner, TenantId tenant, int capacityEntries)
    {
        _owner = owner;
        Tenant = tenant;
        CapacityEntries = capacityEntries;
    }

    /// <summary>The tenant whose pushes this client sees.</summary>
    public TenantId Tenant { get; }

    /// <summary>Most entries waiting for this client before new ones are dropped.</summary>
    public int CapacityEntries { get; }

    /// <summary>Entries waiting to be sent.</summary>
    public long QueuedEntries => Interlocked.Read(ref _queuedEntries);

    /// <summary>Waits until a batch may be read (false once the subscription is closed).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _queue.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes the next queued batch, if any.</summary>
    public bool TryRead(out TailedEntries stream)
    {
        if (_queue.Reader.TryRead(out stream!))
        {
            Interlocked.Add(ref _queuedEntries, -stream.Entries.Length);
            return true;
        }

        return false;
    }

    /// <summary>Takes the entries dropped since the last call (at most <see cref="MaxReportedDrops"/>).</summary>
    public List<TailDroppedEntry> TakeDropped()
    {
        lock (_droppedLock)
        {
            if (_dropped.Count == 0)
            {
                return _dropped;
            }

            var taken = _dropped;
            _dropped = [];
            return taken;
        }
    }

    /// <summary>Queues <paramref name="stream"/> or drops it when the queue is full; returns the entries dropped.</summary>
    internal int Offer(TailedEntries stream)
    {
        var count = stream.Entries.Length;
        if (Interlocked.Add(ref _queuedEntries, count) <= CapacityEntries && _queue.Writer.TryWrite(stream))
        {
            return 0;
        }

        Interlocked.Add(ref _queuedEntries, -count);
        lock (_droppedLock)
        {
            foreach (var entry in stream.Entries)
            {
                if (_dropped.Count >= MaxReportedDrops)
                {
                    break;
                }

                _dropped.Add(new TailDroppedEntry(stream.Labels, entry.TimestampNanos));
            }
        }

        return count;
    }

    /// <summary>Stops receiving entries.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _owner.Unsubscribe(this);
    }
}
