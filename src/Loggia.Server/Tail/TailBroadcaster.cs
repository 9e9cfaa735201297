using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using Loggia.Core.Model;

namespace Loggia.Server.Tail;

/// <summary>
/// Hands acknowledged pushes to the tail clients of their tenant. Publishing never blocks and never allocates when
/// a tenant has no tail client (the ingester checks <see cref="HasSubscribers"/> before copying anything); each
/// client has its own bounded queue (<see cref="TailSubscription"/>), and what a full queue refuses is dropped for
/// that client only and counted in <c>loggia_tail_dropped_entries_total</c>.
/// </summary>
public sealed class TailBroadcaster : IDisposable
{
    /// <summary>Queue bound of one client: enough for bursts between its sends, small enough to bound memory.</summary>
    public const int DefaultCapacityEntries = 10_000;

    private readonly Meter _meter;
    private readonly Counter<long> _droppedEntries;

    private readonly Lock _lock = new();

    // Copy-on-write, so publishing reads it without a lock.
    private volatile Dictionary<TenantId, TailSubscription[]> _byTenant = [];

    /// <summary>Creates a broadcaster and registers its gauges on a meter of <paramref name="scope"/> (a private scope when null).</summary>
    public TailBroadcaster(MetricsScope? scope = null)
    {
        _meter = (scope ?? new MetricsScope()).CreateMeter("Loggia.Tail");
        _droppedEntries = _meter.CreateCounter<long>("loggia_tail_dropped_entries_total", "{entry}", "Live entries not sent to a tail client because its queue was full.");
        _meter.CreateObservableGauge("loggia_tail_clients", CountClients, "{client}", "Open tail connections.");
        _meter.CreateObservableGauge("loggia_tail_queued_entries", CountQueued, "{entry}", "Live entries waiting to be sent to tail clients.");
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    /// <summary>Whether <paramref name="tenant"/> has a tail client now (pushes copy entries only then).</summary>
    public bool HasSubscribers(TenantId tenant) => _byTenant.ContainsKey(tenant);

    /// <summary>Registers a client of <paramref name="tenant"/>; dispose the subscription to leave.</summary>
    public TailSubscription Subscribe(TenantId tenant, int capacityEntries = DefaultCapacityEntries)
    {
        var subscription = new TailSubscription(this, tenant, capacityEntries);
        lock (_lock)
        {
            var next = new Dictionary<TenantId, TailSubscription[]>(_byTenant);
            next[tenant] = next.TryGetValue(tenant, out var existing) ? [.. existing, subscription] : [subscription];
            _byTenant = next;
        }

        return subscription;
    }

    /// <summary>Offers an acknowledged push's appended entries to every client of <paramref name="tenant"/>.</summary>
    public void Publish(TenantId tenant, IReadOnlyList<TailedEntries> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (!_byTenant.TryGetValue(tenant, out var subscriptions))
        {
            return;
        }

        foreach (var subscription in subscriptions)
        {
            foreach (var stream in streams)
            {
                var dropped = subscription.Offer(stream);
                if (dropped > 0)
                {
                    _droppedEntries.Add(dropped, new KeyValuePair<string, object?>("tenant", tenant.Value));
                }
            }
        }
    }

    internal void Unsubscribe(TailSubscription subscription)
    {
        lock (_lock)
        {
            if (!_byTenant.TryGetValue(subscription.Tenant, out var existing))
            {
                return;
            }

            var remaining = Array.FindAll(existing, s => !ReferenceEquals(s, subscription));
            var next = new Dictionary<TenantId, TailSubscription[]>(_byTenant);
            if (remaining.Length == 0)
            {
                next.Remove(subscription.Tenant);
            }
            else
            {
                next[subscription.Tenant] = remaining;
            }

            _byTenant = next;
        }
    }

    private int CountClients()
    {
        var count = 0;
        foreach (var subscriptions in _byTenant.Values)
        {
            count += subscriptions.Length;
        }

        return count;
    }

    private long CountQueued()
    {
        long count = 0;
        foreach (var subscriptions in _byTenant.Values)
        {
            foreach (var subscription in subscriptions)
            {
                count += subscription.QueuedEntries;
            }
        }

        return count;
    }
}
