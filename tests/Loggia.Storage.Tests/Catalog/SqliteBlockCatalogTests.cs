using Loggia.Storage.Catalog;
using static Loggia.Storage.Tests.Catalog.TestBlocks;

namespace Loggia.Storage.Tests.Catalog;

public sealed class SqliteBlockCatalogTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private SqliteBlockCatalog _catalog = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _catalog = await SqliteBlockCatalog.OpenAsync(_dir.File("catalog.db"), Ct);

    // xunit calls DisposeAsync, then Dispose: the catalog closes its files before the directory goes.
    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Publish_ThenFind_ReturnsEveryFieldUnchanged()
    {
        var block = Block("b1", 100, 200) with
        {
            Rows = 7,
            Bytes = 12345,
            StreamCount = 3,
            Checksum = "0123456789abcdef",
            CreatedAt = new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.FromHours(2)).AddTicks(1234567),
            Level = 2,
        };

        await _catalog.PublishAsync(block, Ct);

        var found = Assert.Single(await _catalog.FindAsync("fake", 0, 1000, Ct));
        Assert.Equal(block, found);
        Assert.Equal(block.CreatedAt.UtcTicks, found.CreatedAt.UtcTicks);
    }

    [Theory]
    [InlineData(200, 300, true)] // query starts exactly where the block ends
    [InlineData(50, 100, true)] // query ends exactly where the block starts
    [InlineData(150, 150, true)] // single instant inside
    [InlineData(100, 100, true)] // single instant on the lower edge
    [InlineData(0, 1000, true)] // query covers the block
    [InlineData(201, 300, false)] // one nanosecond after the block
    [InlineData(0, 99, false)] // one nanosecond before the block
    public async Task Find_BoundsAreInclusiveOnBothSides(long from, long to, bool expected)
    {
        await _catalog.PublishAsync(Block("b1", 100, 200), Ct);

        var found = await _catalog.FindAsync("fake", from, to, Ct);

        Assert.Equal(expected ? 1 : 0, found.Count);
    }

    [Fact]
    public async Task Find_OrdersByMinTimeWhateverThePublishOrder()
    {
        await _catalog.PublishAsync(Block("c", 300, 400), Ct);
        await _catalog.PublishAsync(Block("a", 100, 500), Ct);
        await _catalog.PublishAsync(Block("b", 200, 250), Ct);

        var found = await _catalog.FindAsync("fake", 0, 1000, Ct);

        Assert.Equal(["a", "b", "c"], found.Select(b => b.Id));
    }

    [Fact]
    public async Task Find_ReturnsOnlyTheRequestedTenantsBlocks()
    {
        await _catalog.PublishAsync(Block("a1", 100, 200, tenant: "alpha"), Ct);
        await _catalog.PublishAsync(Block("b1", 100, 200, tenant: "beta"), Ct);

        Assert.Equal(["a1"], (await _catalog.FindAsync("alpha", 0, 1000, Ct)).Select(b => b.Id));
        Assert.Equal(["b1"], (await _catalog.FindAsync("beta", 0, 1000, Ct)).Select(b => b.Id));
        Assert.Empty(await _catalog.FindAsync("gamma", 0, 1000, Ct));
    }

    [Fact]
    public async Task Find_FromAfterTo_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.FindAsync("fake", 10, 9, Ct));
    }

    [Fact]
    public async Task Find_ExtremeTimestamps_AreHandled()
    {
        await _catalog.PublishAsync(Block("early", long.MinValue, long.MinValue + 1), Ct);
        await _catalog.PublishAsync(Block("late", long.MaxValue - 1, long.MaxValue), Ct);

        Assert.Equal(["early", "late"], (await _catalog.FindAsync("fake", long.MinValue, long.MaxValue, Ct)).Select(b => b.Id));
        Assert.Equal(["late"], (await _catalog.FindAsync("fake", long.MaxValue, long.MaxValue, Ct)).Select(b => b.Id));
    }

    [Fact]
    public async Task Publish_SameIdSameContent_IsAcceptedOnce()
    {
        var block = Block("b1", 100, 200);

        await _catalog.PublishAsync(block, Ct);
        await _catalog.PublishAsync(block with { }, Ct);

        Assert.Equal([block], await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Publish_SameIdDifferentContent_IsAConflictAndKeepsTheOriginal()
    {
        var original = Block("b1", 100, 200);
        await _catalog.PublishAsync(original, Ct);

        var ex = await Assert.ThrowsAsync<CatalogConflictException>(
            () => _catalog.PublishAsync(original with { Rows = original.Rows + 1 }, Ct));

        Assert.Contains("b1", ex.Message, StringComparison.Ordinal);
        Assert.Equal([original], await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Publish_NewIdOnAnAlreadyCataloguedPath_IsAConflict()
    {
        var original = Block("b1", 100, 200);
        await _catalog.PublishAsync(original, Ct);

        await Assert.ThrowsAsync<CatalogConflictException>(
            () => _catalog.PublishAsync(Block("b2", 100, 200) with { Path = original.Path }, Ct));

        Assert.Equal([original], await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Publish_InvalidBlock_IsRejectedBeforeReachingTheDatabase()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.PublishAsync(Block("b1", 200, 100), Ct));

        Assert.Empty(await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Replace_RemovesOldBlocksAndAddsNewOnes()
    {
        await _catalog.PublishAsync(Block("a", 100, 200), Ct);
        await _catalog.PublishAsync(Block("b", 150, 300), Ct);
        await _catalog.PublishAsync(Block("keep", 400, 500), Ct);
        var merged = Block("ab", 100, 300, level: 1);

        await _catalog.ReplaceAsync(["a", "b"], [merged], Ct);

        Assert.Equal(["ab", "keep"], (await _catalog.AllAsync(Ct)).Select(b => b.Id));
        Assert.Equal(merged, (await _catalog.FindAsync("fake", 100, 100, Ct))[0]);
    }

    [Fact]
    public async Task Replace_WithNothingAdded_DropsBlocksForRetention()
    {
        await _catalog.PublishAsync(Block("old", 100, 200), Ct);

        await _catalog.ReplaceAsync(["old"], [], Ct);

        Assert.Empty(await _catalog.AllAsync(Ct));
        Assert.Empty(await _catalog.TenantsAsync(Ct));
    }

    [Fact]
    public async Task Replace_AnyRemovedIdMissing_ChangesNothing()
    {
        await _catalog.PublishAsync(Block("a", 100, 200), Ct);
        await _catalog.PublishAsync(Block("b", 150, 300), Ct);
        var before = await _catalog.AllAsync(Ct);

        // "a" is listed first, so its delete has run when "missing" fails: it must be rolled back.
        var ex = await Assert.ThrowsAsync<CatalogConflictException>(
            () => _catalog.ReplaceAsync(["a", "missing", "b"], [Block("ab", 100, 300, level: 1)], Ct));

        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Replace_AddedIdAlreadyCatalogued_ChangesNothing()
    {
        await _catalog.PublishAsync(Block("a", 100, 200), Ct);
        await _catalog.PublishAsync(Block("other", 500, 600), Ct);
        var before = await _catalog.AllAsync(Ct);

        await Assert.ThrowsAsync<CatalogConflictException>(
            () => _catalog.ReplaceAsync(["a"], [Block("other", 500, 600)], Ct));

        Assert.Equal(before, await _catalog.AllAsync(Ct));
    }

    [Fact]
    public async Task Replace_TwoCompactorsOnTheSameInputs_OnlyOneWins()
    {
        await _catalog.PublishAsync(Block("a", 100, 200), Ct);
        await _catalog.PublishAsync(Block("b", 150, 300), Ct);

        var first = _catalog.ReplaceAsync(["a", "b"], [Block("ab-1", 100, 300, level: 1)], Ct);
        var second = _catalog.ReplaceAsync(["a", "b"], [Block("ab-2", 100, 300, level: 1)], Ct);
        var outcomes = await Task.WhenAll(Outcome(first), Outcome(second));

        Assert.Equal(1, outcomes.Count(ok => ok));
        Assert.Single(await _catalog.AllAsync(Ct));

        static async Task<bool> Outcome(Task task)
        {
            try
            {
                await task;
                return true;
            }
            catch (CatalogConflictException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task Replace_SameIdRemovedAndAdded_IsRejected()
    {
        await _catalog.PublishAsync(Block("a", 100, 200), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.ReplaceAsync(["a"], [Block("a", 100, 200)], Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.ReplaceAsync(["a", "a"], [], Ct));
    }

    [Fact]
    public async Task PublishWithState_StoresTheBlockAndTheStateTogether()
    {
        await _catalog.PublishAsync(Block("b1", 100, 200), new Dictionary<string, string> { ["wal.published"] = "00000042:1024" }, Ct);

        Assert.Single(await _catalog.AllAsync(Ct));
        Assert.Equal("00000042:1024", await _catalog.GetStateAsync("wal.published", Ct));
    }

    [Fact]
    public async Task PublishWithState_WhenTheBlockConflicts_DoesNotStoreTheState()
    {
        await _catalog.PublishAsync(Block("b1", 100, 200), new Dictionary<string, string> { ["wal.published"] = "1" }, Ct);

        await Assert.ThrowsAsync<CatalogConflictException>(() => _catalog.PublishAsync(
            Block("b1", 100, 201),
            new Dictionary<string, string> { ["wal.published"] = "2" },
            Ct));

        Assert.Equal("1", await _catalog.GetStateAsync("wal.published", Ct));
    }

    [Fact]
    public async Task State_MissingKeyIsNullAndSetOverwrites()
    {
        Assert.Null(await _catalog.GetStateAsync("k", Ct));

        await _catalog.SetStateAsync("k", "v1", Ct);
        await _catalog.SetStateAsync("k", "v2", Ct);
        await _catalog.SetStateAsync("empty", "", Ct);

        Assert.Equal("v2", await _catalog.GetStateAsync("k", Ct));
        Assert.Equal("", await _catalog.GetStateAsync("empty", Ct));
    }

    [Fact]
    public async Task Tenants_ListsEachTenantWithBlocksOnceInOrder()
    {
        await _catalog.PublishAsync(Block("z1", 1, 2, tenant: "zeta"), Ct);
        await _catalog.PublishAsync(Block("a1", 1, 2, tenant: "alpha"), Ct);
        await _catalog.PublishAsync(Block("a2", 3, 4, tenant: "alpha"), Ct);

        Assert.Equal(["alpha", "zeta"], await _catalog.TenantsAsync(Ct));
    }

    [Fact]
    public async Task AfterDispose_CallsThrowObjectDisposed()
    {
        await _catalog.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => _catalog.PublishAsync(Block("b1", 1, 2), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _catalog.AllAsync(Ct));
    }
}
