using Loggia.Storage.Catalog;

namespace Loggia.Storage.Tests.Catalog;

/// <summary>Delete requests in the SQLite catalog: durable, per tenant, cancellable only until processed.</summary>
public sealed class DeleteRequestStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Requests_SurviveReopen_AreListedPerTenantOldestFirst_AndCancelOnlyWhileUnprocessed()
    {
        var path = _dir.File("catalog.db");
        await using (var catalog = await SqliteBlockCatalog.OpenAsync(path, Ct))
        {
            await catalog.AddDeleteRequestAsync(new DeleteRequest("b2", "t1", "{a=\"x\"}", 10, 20, 200, null), Ct);
            await catalog.AddDeleteRequestAsync(new DeleteRequest("a1", "t1", "{a=\"y\"} |= \"z\"", 0, 5, 100, null), Ct);
            await catalog.AddDeleteRequestAsync(new DeleteRequest("a1", "t2", "{a=\"x\"}", 0, 5, 150, null), Ct);
            await Assert.ThrowsAsync<CatalogConflictException>(() => catalog.AddDeleteRequestAsync(new DeleteRequest("a1", "t1", "{a=\"q\"}", 0, 1, 1, null), Ct));
        }

        await using var reopened = await SqliteBlockCatalog.OpenAsync(path, Ct);
        var t1 = await reopened.DeleteRequestsAsync("t1", Ct);
        Assert.Equal(["a1", "b2"], t1.Select(r => r.Id));
        Assert.Equal(new DeleteRequest("a1", "t1", "{a=\"y\"} |= \"z\"", 0, 5, 100, null), t1[0]);
        Assert.Equal("received", t1[0].Status);
        Assert.Equal(3, (await reopened.AllDeleteRequestsAsync(Ct)).Count);

        await reopened.MarkDeleteRequestSweptAsync("t1", "b2", 300, Ct);
        Assert.Equal("processed", (await reopened.DeleteRequestsAsync("t1", Ct))[1].Status);
        Assert.False(await reopened.CancelDeleteRequestAsync("t1", "b2", Ct));
        Assert.False(await reopened.CancelDeleteRequestAsync("t1", "nope", Ct));
        Assert.True(await reopened.CancelDeleteRequestAsync("t1", "a1", Ct));

        Assert.Equal(["b2"], (await reopened.DeleteRequestsAsync("t1", Ct)).Select(r => r.Id));
        Assert.Single(await reopened.DeleteRequestsAsync("t2", Ct));
    }
}
