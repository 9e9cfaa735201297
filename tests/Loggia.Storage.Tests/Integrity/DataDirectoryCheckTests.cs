using System.Text;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Integrity;
using Loggia.Storage.TermIndex;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Tests.Integrity;

/// <summary>The offline data directory check behind <c>loggia fsck</c>, and quarantine.</summary>
public sealed class DataDirectoryCheckTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("loggia-fsck-").FullName;
    private SqliteBlockCatalog _catalog = null!;

    public async Task InitializeAsync() => _catalog = await SqliteBlockCatalog.OpenAsync(Path.Combine(_data, "catalog.db"), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<BlockInfo> PublishAsync(long start)
    {
        var entries = Enumerable.Range(0, 300).Select(i => new BlockEntry(start + (i * 1_000_000L), Encoding.UTF8.GetBytes($"line {i}"), EntryMetadata.From(null))).ToList();
        var written = BlockWriter.Write(_data, "fake", [new BlockStreamInput(7, "{app=\"a\"}", [new("app", "a")], entries)]);
        var info = written.ToBlockInfo(DateTimeOffset.UtcNow, 0);
        await _catalog.PublishAsync(info, CancellationToken.None);
        return info;
    }

    private Task<FsckReport> CheckAsync() => DataDirectoryCheck.RunAsync(_data, _catalog, CancellationToken.None);

    [Fact]
    public async Task HealthyDirectory_IsClean_AndEveryRowIsChecked()
    {
        await PublishAsync(1_763_800_000_000_000_000);
        await PublishAsync(1_763_800_100_000_000_000);
        var report = await CheckAsync();
        Assert.True(report.IsClean, string.Join("\n", report.Findings));
        Assert.Equal(2, report.Blocks);
        Assert.Equal(600, report.Rows);
        Assert.Empty(await _catalog.CheckIntegrityAsync(CancellationToken.None));
    }

    [Fact]
    public async Task FlippedByte_MissingSidecar_AndCatalogMismatch_AreProblemsOfTheirBlock()
    {
        var flipped = await PublishAsync(1_763_800_000_000_000_000);
        var noSidecar = await PublishAsync(1_763_800_100_000_000_000);
        var healthy = await PublishAsync(1_763_800_200_000_000_000);
        var path = Path.Combine(_data, flipped.Path);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 3] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        File.Delete(Path.Combine(_data, noSidecar.IndexPath));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "stray.parquet"), "x");

        var report = await CheckAsync();
        Assert.False(report.IsClean);
        Assert.Equal([flipped.Id, noSidecar.Id], report.DamagedBlocks);
        Assert.Contains(report.Findings, f => f.BlockId == flipped.Id && f.Message.Contains("CRC32C", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.BlockId == noSidecar.Id && f.Message == "index sidecar is missing");
        Assert.Contains(report.Findings, f => f is { Severity: FsckSeverity.Note, Area: "orphan" } && f.Path.EndsWith("stray.parquet", StringComparison.Ordinal));

        var moved = await BlockQuarantine.RunAsync(_data, _catalog, report.DamagedBlocks, CancellationToken.None);
        Assert.Equal(2, moved.Count);
        Assert.Equal([healthy.Id], (await _catalog.AllAsync(CancellationToken.None)).Select(b => b.Id));
        Assert.True(File.Exists(Path.Combine(_data, BlockQuarantine.Directory, flipped.Path)));
        Assert.True(File.Exists(Path.Combine(_data, BlockQuarantine.Directory, flipped.IndexPath)));
        Assert.False(File.Exists(path));
        File.Delete(Path.Combine(Path.GetDirectoryName(path)!, "stray.parquet"));
        Assert.True((await CheckAsync()).IsClean);
    }

    [Fact]
    public async Task DamagedTermFilesAndSegments_AreProblems_ButNoBlockIsQuarantinedForThem()
    {
        // Two days: the older sealed (its segment only), the newer open (its block keeps its term file).
        var sealedDay = await PublishAsync(1_763_800_000_000_000_000);
        var openDay = await PublishAsync(1_763_800_000_000_000_000 + (86_400L * 1_000_000_000));
        using var index = new TermHourIndex(_data);
        // The older day sealed, the newer one not yet.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_763_800_000_000 + 86_400_000L);
        Assert.Equal(2, await index.RefreshAsync(_catalog, now, TimeSpan.Zero, CancellationToken.None));
        var clean = await CheckAsync();
        Assert.True(clean.IsClean, string.Join("\n", clean.Findings));
        Assert.Equal(2, clean.TermSegments);

        var termFile = BlockTerms.PathFor(Path.Combine(_data, openDay.Path));
        Assert.True(File.Exists(termFile));
        Assert.False(File.Exists(BlockTerms.PathFor(Path.Combine(_data, sealedDay.Path))));
        Flip(termFile, 20);
        var segment = index.SegmentPath("fake", TermHours.DayOfHour(TermHours.HourOf(sealedDay.MinTimeNanos)));
        Flip(segment, 12); // the first bytes after the magic: a record chunk or a filter page, not the footer

        var report = await CheckAsync();
        Assert.False(report.IsClean);
        Assert.Contains(report.Findings, f => f.Area == "terms" && f.Path.EndsWith(".terms", StringComparison.Ordinal) && f.Message.Contains("checksum", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Area == "terms" && f.Path.EndsWith(".tix", StringComparison.Ordinal) && f.Message.Contains("checksum", StringComparison.Ordinal));
        Assert.Empty(report.DamagedBlocks);
    }

    private static void Flip(string path, int offset)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public async Task WalDamage_InAnOlderSegmentIsAProblem_ATornTailANote()
    {
        var walDirectory = Path.Combine(_data, "wal");
        for (var run = 0; run < 2; run++)
        {
            // Each open starts a new segment: two runs leave two segments.
            await using var wal = WriteAheadLog.Open(new WalOptions { DirectoryPath = walDirectory }, static _ => { });
            for (var i = 0; i < 5; i++)
            {
                await wal.AppendAsync(1, Encoding.UTF8.GetBytes($"record {run}/{i}"));
            }
        }

        var segments = Directory.GetFiles(walDirectory, "*.wal").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, segments.Length);
        var clean = await CheckAsync();
        Assert.True(clean.IsClean, string.Join("\n", clean.Findings));
        Assert.Equal(10, clean.WalRecords);

        // A torn last write in the newest segment: the next start truncates it.
        using (var tail = new FileStream(segments[1], FileMode.Open))
        {
            tail.SetLength(tail.Length - 3);
        }

        var torn = await CheckAsync();
        Assert.True(torn.IsClean);
        Assert.Contains(torn.Findings, f => f is { Severity: FsckSeverity.Note, Area: "wal" } && f.Message.StartsWith("LengthBeyondEnd", StringComparison.Ordinal));

        // A flipped payload byte in an older segment is media damage.
        var older = File.ReadAllBytes(segments[0]);
        older[^2] ^= 0x20;
        File.WriteAllBytes(segments[0], older);
        var damaged = await CheckAsync();
        Assert.False(damaged.IsClean);
        Assert.Contains(damaged.Findings, f => f is { Severity: FsckSeverity.Problem, Area: "wal" } && f.Message.StartsWith("ChecksumMismatch", StringComparison.Ordinal));
        Assert.Empty(damaged.DamagedBlocks);
    }
}
