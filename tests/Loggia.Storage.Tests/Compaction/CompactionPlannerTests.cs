using Loggia.Storage.Catalog;
using Loggia.Storage.Compaction;

namespace Loggia.Storage.Tests.Compaction;

public sealed class CompactionPlannerTests
{
    private const long Hour = 3_600_000_000_000L;

    [Fact]
    public void SmallBlocksOfOneTenantAndHour_AreMergedInRunsWithinTheTarget()
    {
        var blocks = new[]
        {
            Block("a1", "acme", 0 * Hour + 1, 30), Block("a2", "acme", 0 * Hour + 2, 30), Block("a3", "acme", 0 * Hour + 3, 30),
            Block("a4", "acme", 0 * Hour + 4, 30),
            Block("big", "acme", 0 * Hour + 5, 100),           // at the target: left alone
            Block("b1", "acme", 1 * Hour + 1, 10),             // alone in its hour: nothing to merge with
            Block("o1", "other", 0 * Hour + 1, 10), Block("o2", "other", 0 * Hour + 2, 10),
        };

        var plan = CompactionPlanner.Plan(blocks, targetBytes: 100, maxInputs: 64);

        Assert.Equal(
            [["a1", "a2", "a3"], ["o1", "o2"]],
            plan.Select(run => run.Select(b => b.Id).ToArray()).OrderBy(r => r[0], StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ARunStopsAtMaxInputs_AndTheOldestPartitionComesFirst()
    {
        var blocks = Enumerable.Range(0, 5).Select(i => Block($"new{i}", "t", (2 * Hour) + i, 1))
            .Concat(Enumerable.Range(0, 5).Select(i => Block($"old{i}", "t", i, 1)))
            .ToArray();

        var plan = CompactionPlanner.Plan(blocks, targetBytes: 1000, maxInputs: 3);

        Assert.Equal(["old0", "old1", "old2"], plan[0].Select(b => b.Id));
        Assert.Equal(["old3", "old4"], plan[1].Select(b => b.Id));
        Assert.Equal(4, plan.Count);
    }

    private static BlockInfo Block(string id, string tenant, long minTime, long bytes) =>
        new(id, tenant, $"blocks/{tenant}/{id}.parquet", minTime, minTime + 10, 1, bytes, 1, "00000000", DateTimeOffset.UnixEpoch, 0);
}
