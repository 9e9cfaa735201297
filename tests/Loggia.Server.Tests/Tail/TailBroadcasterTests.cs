using System.Diagnostics.Metrics;
using Loggia.Core.Model;
using Loggia.Server.Tail;

namespace Loggia.Server.Tests.Tail;

public sealed class TailBroadcasterTests
{
    private static TailedEntries Stream(string app, params long[] timestamps) =>
        new(Labels.Create(("app", app)), timestamps.Select(t => new LogEntry(t, "line"u8.ToArray())).ToArray());

    [Fact]
    public void SlowClient_GetsDroppedEntriesReported_AndCounted_WithoutBlockingOthers()
    {
        using var broadcaster = new TailBroadcaster();
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "loggia_tail_dropped_entries_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();

        var tenant = TenantId.Fake;
        using var slow = broadcaster.Subscribe(tenant, capacityEntries: 2);
        using var fast = broadcaster.Subscribe(tenant, capacityEntries: 100);
        broadcaster.Publish(tenant, [Stream("api", 1, 2)]);
        broadcaster.Publish(tenant, [Stream("api", 3), Stream("db", 4)]);

        Assert.Equal([new TailDroppedEntry(Labels.Create(("app", "api")), 3), new TailDroppedEntry(Labels.Create(("app", "db")), 4)], slow.TakeDropped());
        Assert.Empty(slow.TakeDropped());
        Assert.Equal(2, Interlocked.Read(ref counted));
        Assert.True(slow.TryRead(out var first));
        Assert.Equal([1L, 2L], first.Entries.Select(e => e.TimestampNanos));
        Assert.False(slow.TryRead(out _));

        // Reading frees room: the next push fits again.
        broadcaster.Publish(tenant, [Stream("api", 5)]);
        Assert.True(slow.TryRead(out var later));
        Assert.Equal(5, later.Entries.Single().TimestampNanos);

        var fastReceived = new List<long>();
        while (fast.TryRead(out var batch))
        {
            fastReceived.AddRange(batch.Entries.Select(e => e.TimestampNanos));
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], fastReceived);
        Assert.Empty(fast.TakeDropped());
    }

    [Fact]
    public void Publish_ReachesOnlyTheTenantsClients_AndStopsAfterDispose()
    {
        using var broadcaster = new TailBroadcaster();
        Assert.False(broadcaster.HasSubscribers(TenantId.Fake));
        var other = TenantId.TryCreate("other", out var id, out _) ? id : throw new InvalidOperationException();
        var subscription = broadcaster.Subscribe(other);
        Assert.True(broadcaster.HasSubscribers(other));
        Assert.False(broadcaster.HasSubscribers(TenantId.Fake));

        broadcaster.Publish(TenantId.Fake, [Stream("api", 1)]);
        Assert.False(subscription.TryRead(out _));

        subscription.Dispose();
        Assert.False(broadcaster.HasSubscribers(other));
        broadcaster.Publish(other, [Stream("api", 2)]);
        Assert.False(subscription.TryRead(out _));
    }
}
