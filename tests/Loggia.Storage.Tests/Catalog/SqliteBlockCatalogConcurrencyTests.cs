using Loggia.Storage.Catalog;
using static Loggia.Storage.Tests.Catalog.TestBlocks;

namespace Loggia.Storage.Tests.Catalog;

public sealed class SqliteBlockCatalogConcurrencyTests : IDisposable
{
    private const int Writers = 8;
    private const int BlocksPerWriter = 10;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Publish_From8ConcurrentTasksWhileReading_EveryBlockLands()
    {
        var ct = CancellationToken.None;
        await using var catalog = await SqliteBlockCatalog.OpenAsync(_dir.File("catalog.db"), ct);
        using var stopReading = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < BlocksPerWriter; i++)
                {
                    var time = (w * BlocksPerWriter) + i;
                    await catalog.PublishAsync(Block($"w{w}-{i}", time, time, tenant: $"t{w % 3}"), ct);
                }
            },
            ct)).ToArray();

        // Readers run alongside: WAL mode must let them see consistent snapshots without failing.
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(
            async () =>
            {
                // do/while: on a busy machine a reader may first run after the writers finished.
                do
                {
                    var all = await catalog.AllAsync(ct);
                    Assert.True(all.Count <= Writers * BlocksPerWriter);
                }
                while (!stopReading.IsCancellationRequested);
            },
            ct)).ToArray();

        await Task.WhenAll(writers);
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);

        var published = await catalog.AllAsync(ct);
        Assert.Equal(Writers * BlocksPerWriter, published.Count);
        Assert.Equal(Writers * BlocksPerWriter, published.Select(b => b.Id).Distinct().Count());
    }
}
