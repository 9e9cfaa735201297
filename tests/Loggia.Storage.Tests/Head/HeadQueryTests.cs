using Loggia.Core.Model;
using Loggia.Storage.Head;
using static Loggia.Storage.Tests.Head.HeadTestSupport;
using HeadStore = Loggia.Storage.Head.Head;

namespace Loggia.Storage.Tests.Head;

public sealed class HeadQueryTests
{
    private static readonly Labels ApiProd = Labels.Parse("{app=\"api\", env=\"prod\"}");
    private static readonly Labels ApiDev = Labels.Parse("{app=\"api\", env=\"dev\"}");
    private static readonly Labels Web = Labels.Parse("{app=\"web\", team=\"x\"}");

    private static HeadStore Filled()
    {
        var head = new HeadStore(new HeadOptions { ChunkEntries = 16, TimeProvider = new ManualTimeProvider() });
        for (int i = 0; i < 50; i++)
        {
            head.Append(Tenant, ApiProd, [Entry(BaseNanos + i * Second, "p" + i)]);
        }

        head.Append(Tenant, ApiDev, [Entry(BaseNanos + 100 * Second, "d")]);
        head.Append(Tenant, Web, [Entry(BaseNanos + 200 * Second, "w")]);
        head.Append(TenantId.Create("other"), Labels.Parse("{secret=\"1\"}"), [Entry(BaseNanos, "s")]);
        return head;
    }

    [Fact]
    public void Select_ReturnsOnlyEntriesInTheInclusiveRange_ForMatchingStreams()
    {
        using HeadStore head = Filled();

        HeadSelection selection = head.Select(Tenant, l => l.Get("env") == "prod", BaseNanos + 10 * Second, BaseNanos + 20 * Second);

        HeadStreamSnapshot snapshot = Assert.Single(selection);
        Assert.Equal(ApiProd, snapshot.Labels);
        Assert.Equal(11, snapshot.Count);
        Assert.Equal(BaseNanos + 10 * Second, snapshot.MinTimestamp);
        Assert.Equal(BaseNanos + 20 * Second, snapshot.MaxTimestamp);
        Assert.Equal("p10", Read(snapshot)[0].Line);
        Assert.Equal("p20", Read(snapshot)[^1].Line);
    }

    [Fact]
    public void Select_LeavesOutStreamsWithoutEntriesInRange_AndOtherTenants()
    {
        using HeadStore head = Filled();

        Assert.Empty(head.Select(Tenant, _ => true, BaseNanos + 300 * Second, BaseNanos + 400 * Second));
        Assert.Equal(3, head.Select(Tenant, _ => true, long.MinValue, long.MaxValue).Count);
        Assert.Empty(head.Select(TenantId.Create("nobody"), _ => true, long.MinValue, long.MaxValue));
        Assert.Empty(head.Select(Tenant, _ => true, 10, 5));
    }

    [Fact]
    public void Snapshot_CanBeReadBackward()
    {
        using HeadStore head = Filled();
        HeadStreamSnapshot snapshot = head.Select(Tenant, l => l == ApiProd, long.MinValue, long.MaxValue)[0];

        var backward = new List<long>();
        for (int i = snapshot.Count - 1; i >= 0; i--)
        {
            backward.Add(snapshot.Timestamp(i));
        }

        Assert.Equal(50, backward.Count);
        Assert.Equal(BaseNanos + 49 * Second, backward[0]);
        Assert.Equal(BaseNanos, backward[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => snapshot.Timestamp(50));
    }

    [Fact]
    public void Snapshot_IsUnchangedByLaterAppends()
    {
        using HeadStore head = Filled();
        HeadStreamSnapshot snapshot = head.Select(Tenant, l => l == ApiProd, long.MinValue, long.MaxValue)[0];

        head.Append(Tenant, ApiProd, [Entry(BaseNanos + 60 * Second, "later"), Entry(BaseNanos + 5 * Second + 1, "inserted")]);

        Assert.Equal(50, snapshot.Count);
        Assert.DoesNotContain(Read(snapshot), e => e.Line is "later" or "inserted");
        Assert.Equal(52, head.Select(Tenant, l => l == ApiProd, long.MinValue, long.MaxValue)[0].Count);
    }

    [Fact]
    public void LabelNamesAndValues_AreSortedDistinctAndTimeBounded()
    {
        using HeadStore head = Filled();

        Assert.Equal(["app", "env", "team"], head.LabelNames(Tenant, long.MinValue, long.MaxValue));
        Assert.Equal(["app", "env"], head.LabelNames(Tenant, BaseNanos, BaseNanos + 150 * Second));
        Assert.Equal(["dev", "prod"], head.LabelValues(Tenant, "env", long.MinValue, long.MaxValue));
        Assert.Equal(["prod"], head.LabelValues(Tenant, "env", BaseNanos, BaseNanos + 99 * Second));
        Assert.Equal(["api", "web"], head.LabelValues(Tenant, "app", long.MinValue, long.MaxValue));
        Assert.Empty(head.LabelValues(Tenant, "missing", long.MinValue, long.MaxValue));
        Assert.Empty(head.LabelNames(TenantId.Create("nobody"), long.MinValue, long.MaxValue));
    }

    [Fact]
    public void Series_ReturnsMatchingStreamsWithEntriesInRange()
    {
        using HeadStore head = Filled();

        IReadOnlyList<Labels> series = head.Series(Tenant, l => l.Get("app") == "api", long.MinValue, long.MaxValue);
        Assert.Equal(2, series.Count);
        Assert.Contains(ApiProd, series);
        Assert.Contains(ApiDev, series);
        Assert.Equal([ApiDev], head.Series(Tenant, l => l.Get("app") == "api", BaseNanos + 100 * Second, BaseNanos + 100 * Second));
    }
}
