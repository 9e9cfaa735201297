using System.Text;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Compaction;
using Loggia.Storage.Tests.Catalog;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loggia.Storage.Tests.Compaction;

/// <summary>Compaction over real blocks on disk and a real SQLite catalog: merged blocks hold exactly their inputs' entries.</summary>
public sealed class BlockCompactorTests : IAsyncLifetime, IDisposable
{
    private static readonly long Start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    private readonly TempDirectory _directory = new();
    private SqliteBlockCatalog _catalog = null!;

    public async Task InitializeAsync() =>
        _catalog = await SqliteBlockCatalog.OpenAsync(_directory.File("catalog.db"), CancellationToken.None);

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SmallBlocksOfAnHour_BecomeOneBlock_WithEveryEntryInTimeOrder_AndTheOldFilesWaitForTheDelay()
    {
        // Five flushes of the same two streams, interleaved in time, plus one stream only in the last block.
        var published = new List<BlockInfo>();
        for (var flush = 0; flush < 5; flush++)
        {
            var streams = new List<BlockStreamInput> { Stream("api", flush, 40), Stream("web", flush, 25) };
            if (flush == 4)
            {
                streams.Add(Stream("batch", flush, 3));
            }

            published.Add(await PublishAsync(streams));
        }

        var expected = ReadAll(published);
        using var compactor = Compactor(TimeSpan.FromHours(1));

        Assert.Equal(5, await compactor.RunAsync(CancellationToken.None));

        var merged = Assert.Single(await _catalog.AllAsync(CancellationToken.None));
        Assert.Equal(1, merged.Level);
        Assert.Equal(published.Sum(b => b.Rows), merged.Rows);
        Assert.Equal(published.Min(b => b.MinTimeNanos), merged.MinTimeNanos);
        Assert.Equal(published.Max(b => b.MaxTimeNanos), merged.MaxTimeNanos);
        var actual = ReadAll([merged]);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (labels, entries) in expected)
        {
            var sorted = entries.OrderBy(e => e.Timestamp).ToList();
            Assert.Equal(sorted, actual[labels]);
        }

        // The inputs stay on disk for queries that listed them, until the delete delay is over.
        Assert.All(published, b => Assert.True(File.Exists(_directory.File(b.Path))));
        Assert.Equal(15, compactor.PendingDeletes); // per block: data file, sidecar, term file
        Assert.Equal(0, await compactor.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AnUnreadableBlock_IsLeftOutOfItsMerge_AndStaysPublished()
    {
        var blocks = new List<BlockInfo>();
        for (var flush = 0; flush < 3; flush++)
        {
            blocks.Add(await PublishAsync([Stream("api", flush, 30)]));
        }

        await File.WriteAllTextAsync(_directory.File(blocks[1].Path), "not parquet any more");
        using var compactor = Compactor(TimeSpan.Zero);

        Assert.Equal(2, await compactor.RunAsync(CancellationToken.None));

        var remaining = await _catalog.AllAsync(CancellationToken.None);
        Assert.Equal(2, remaining.Count);
        Assert.Contains(remaining, b => b.Id == blocks[1].Id);
        Assert.Equal(60, remaining.Single(b => b.Id != blocks[1].Id).Rows);
        // Delete delay zero: the merged inputs' files are gone, the unreadable one is kept for fsck.
        Assert.False(File.Exists(_directory.File(blocks[0].Path)));
        Assert.True(File.Exists(_directory.File(blocks[1].Path)));
    }

    private BlockCompactor Compactor(TimeSpan deleteDelay) =>
        new(_directory.Path, _catalog, TimeProvider.System, deleteDelay, targetBytes: 64L * 1024 * 1024, NullLogger.Instance);

    private async Task<BlockInfo> PublishAsync(IReadOnlyList<BlockStreamInput> streams)
    {
        var info = BlockWriter.Write(_directory.Path, "fake", streams).ToBlockInfo(DateTimeOffset.UtcNow, level: 0);
        await _catalog.PublishAsync(info, CancellationToken.None);
        return info;
    }

    /// <summary>Entries of stream <paramref name="app"/> of flush <paramref name="flush"/>: flushes interleave in time.</summary>
    private static BlockStreamInput Stream(string app, int flush, int count)
    {
        var entries = new List<BlockEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var metadata = i % 3 == 0 ? EntryMetadata.From([new("trace_id", $"{app}-{flush}-{i}")]) : EntryMetadata.Empty;
            entries.Add(new BlockEntry(Start + (i * 10_000_000L) + flush, Encoding.UTF8.GetBytes($"{app} flush {flush} line {i}"), metadata));
        }

        return new BlockStreamInput((ulong)app.GetHashCode(StringComparison.Ordinal) | 1, $"{{app=\"{app}\"}}", [new("app", app)], entries);
    }

    private Dictionary<string, List<(long Timestamp, string Line, string Metadata)>> ReadAll(IEnumerable<BlockInfo> blocks)
    {
        var all = new Dictionary<string, List<(long, string, string)>>(StringComparer.Ordinal);
        foreach (var block in blocks)
        {
            var path = _directory.File(block.Path);
            foreach (var stream in BlockStreamReader.Read(path, BlockReader.ReadIndex(path), _ => long.MinValue))
            {
                if (!all.TryGetValue(stream.LabelsText, out var entries))
                {
                    entries = [];
                    all.Add(stream.LabelsText, entries);
                }

                foreach (var entry in stream.Entries)
                {
                    entries.Add((entry.TimestampNanos, Encoding.UTF8.GetString(entry.Line.Span),
                        string.Join(",", (entry.Metadata.ToKeyValues() ?? []).Select(p => $"{p.Key}={p.Value}"))));
                }
            }
        }

        return all;
    }
}
