using Loggia.Core.Model;
using Loggia.Storage.Head;
using static Loggia.Storage.Tests.Head.HeadTestSupport;

namespace Loggia.Storage.Tests.Head;

public sealed class TenantHeadTests
{
    [Fact]
    public void RemovedStream_StillInTheMap_IsSkipped_AndRefusesAppends()
    {
        using var tenant = new TenantHead(Tenant);
        Labels labels = Labels.Parse("{app=\"a\"}");
        StreamHead first = tenant.GetOrCreate(labels, labels.Fingerprint, nowTicks: 0);

        Assert.True(first.TryRemoveIfIdleAndEmpty(nowTicks: 100, idleTicks: 10));
        StreamHead second = tenant.GetOrCreate(labels, labels.Fingerprint, nowTicks: 100);

        Assert.NotSame(first, second);
        var totals = default(AppendTotals);
        var context = new AppendContext(100, 1, 16, default, false);
        Assert.False(first.Append([Entry(1, "x")], default, in context, ref totals));
        Assert.True(second.Append([Entry(1, "x")], default, in context, ref totals));
        Assert.Equal(2, tenant.StreamCount);

        tenant.Remove(first);
        Assert.Equal(1, tenant.StreamCount);
        Assert.Same(second, tenant.GetOrCreate(labels, labels.Fingerprint, nowTicks: 200));
    }

    [Fact]
    public void StreamWithData_IsNotRemoved()
    {
        using var tenant = new TenantHead(Tenant);
        Labels labels = Labels.Parse("{app=\"a\"}");
        StreamHead stream = tenant.GetOrCreate(labels, labels.Fingerprint, nowTicks: 0);
        var totals = default(AppendTotals);
        stream.Append([Entry(1, "x")], default, new AppendContext(0, 1, 16, default, false), ref totals);

        Assert.False(stream.TryRemoveIfIdleAndEmpty(nowTicks: 1_000_000, idleTicks: 10));
    }
}
