using System.Text;
using Loggia.Core.Tokens;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.Compaction;
using Loggia.Storage.Retention;
using Loggia.Storage.Tests.Catalog;
using Loggia.Storage.TermIndex;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loggia.Storage.Tests.TermIndex;

/// <summary>
/// The term → hour index over real blocks written by <see cref="BlockWriter"/> and a real SQLite catalog: exact hours
/// and counts, narrowing, and staying true through compaction, retention, delete rewrites and damage.
/// </summary>
public sealed class TermHourIndexTests : IAsyncLifetime, IDisposable
{
    private const long Hour = TermHours.HourNanos;
    private static readonly DateTimeOffset Day0 = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Day0Nanos = Day0.ToUnixTimeMilliseconds() * 1_000_000;
    private static readonly long Day0Hour = TermHours.HourOf(Day0Nanos);
    private static readonly ulong Txn = Terms.HashTerm("txn"), Id = Terms.HashTerm("4f3a9"), Refund = Terms.HashTerm("refund");

    private readonly TempDirectory _directory = new();
    private SqliteBlockCatalog _catalog = null!;
    private TermHourIndex _index = null!;

    public async Task InitializeAsync()
    {
        _catalog = await SqliteBlockCatalog.OpenAsync(_directory.File("catalog.db"), CancellationToken.None);
        _index = new TermHourIndex(_directory.Path);
    }

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        _index.Dispose();
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>
    /// Three days, one block per 3 hours (each block: 10 plain lines); "txn-4f3a9 refund" in hours 2 (×2) and 28,
    /// "txn-4f3a9" alone in hour 5, "refund" alone in hour 30 and 50.
    /// </summary>
    private async Task<List<BlockInfo>> PublishThreeDaysAsync()
    {
        var needles = new Dictionary<long, string[]>
        {
            [2] = ["payment TXN-4f3a9 Refund issued", "txn-4f3a9 refund refund again"],
            [5] = ["txn-4f3a9 started"],
            [28] = ["REFUND for txn-4f3a9"],
            [30] = ["refund only"],
            [50] = ["another refund"],
        };
        var blocks = new List<BlockInfo>();
        for (var first = 0L; first < 72; first += 3)
        {
            var lines = new List<(long, string)>();
            for (var h = first; h < first + 3; h++)
            {
                for (var i = 0; i < 10; i++)
                {
                    lines.Add((Day0Nanos + (h * Hour) + (i * 60_000_000_000L), $"GET /users/{i} ok in hour {h}"));
                }

                foreach (var needle in needles.GetValueOrDefault(h, []))
                {
                    lines.Add((Day0Nanos + (h * Hour) + (30 * 60_000_000_000L) + 1, needle));
                }
            }

            blocks.Add(await PublishAsync(lines));
        }

        return blocks;
    }

    private async Task<BlockInfo> PublishAsync(IEnumerable<(long Ts, string Line)> lines, string app = "api")
    {
        var entries = lines.OrderBy(l => l.Ts).Select(l => new BlockEntry(l.Ts, Encoding.UTF8.GetBytes(l.Line), EntryMetadata.Empty)).ToList();
        var stream = new BlockStreamInput(0x1234 ^ (ulong)app.Length, $"{{app=\"{app}\"}}", [new("app", app)], entries);
        var info = BlockWriter.Write(_directory.Path, "fake", [stream]).ToBlockInfo(DateTimeOffset.UtcNow, level: 0);
        await _catalog.PublishAsync(info, CancellationToken.None);
        return info;
    }

    private async Task<IReadOnlyList<HourTermCounts>> CountAsync(params ulong[] hashes)
    {
        var blocks = await _catalog.FindAsync("fake", Day0Nanos, Day0Nanos + (72 * Hour) - 1, CancellationToken.None);
        return _index.Count("fake", blocks, Day0Hour, Day0Hour + 71, hashes);
    }

    private static Dictionary<long, uint[]> ByHour(IReadOnlyList<HourTermCounts> hours) =>
        hours.ToDictionary(h => h.Hour - Day0Hour, h => h.Lines);

    private static string[] Describe(IReadOnlyList<HourTermCounts> hours) =>
        [.. hours.Select(h => $"{h.Hour - Day0Hour}: {string.Join(' ', h.Lines)} {h.Complete}")];

    private async Task<HashSet<string>> SkippableAsync(params ulong[] required)
    {
        var blocks = await _catalog.FindAsync("fake", Day0Nanos, Day0Nanos + (72 * Hour) - 1, CancellationToken.None);
        return _index.Skippable("fake", blocks, required);
    }

    [Fact]
    public void BlockWriter_WritesTermFile_CountingLinesPerHourOnceEach_CaseInsensitive_WithMetadataPairs()
    {
        var entries = new List<BlockEntry>
        {
            new(Day0Nanos + 10, "Error error ERROR"u8.ToArray(), EntryMetadata.From([new("trace_id", "abc")])),
            new(Day0Nanos + 20, "no problem"u8.ToArray(), EntryMetadata.Empty),
            new(Day0Nanos + Hour + 5, "error again"u8.ToArray(), EntryMetadata.From([new("trace_id", "abc")])),
        };
        var written = BlockWriter.Write(_directory.Path, "fake", [new BlockStreamInput(1, "{app=\"a\"}", [new("app", "a")], entries)]);

        var terms = BlockTerms.TryReadFor(_directory.File(written.RelativePath));

        Assert.NotNull(terms);
        Assert.Equal([Day0Hour, Day0Hour + 1], terms.Hours.Select(h => h.Hour));
        Assert.Equal(1u, terms.Hours[0].LinesOf(Terms.HashTerm("error")));
        Assert.Equal(1u, terms.Hours[0].LinesOf(Terms.HashTerm("problem")));
        Assert.Equal(1u, terms.Hours[0].LinesOf(Terms.HashPair("trace_id", "abc")));
        Assert.Equal(0u, terms.Hours[0].LinesOf(Terms.HashTerm("again")));
        Assert.Equal(1u, terms.Hours[1].LinesOf(Terms.HashTerm("error")));
        Assert.True(terms.Hours.All(h => h.Hashes.SequenceEqual(h.Hashes.Order())));
    }

    [Fact]
    public async Task Index_ReturnsExactlyTheHoursHoldingAllTerms_WithLineCounts_FromSegmentsAndWithout()
    {
        await PublishThreeDaysAsync();

        // No segment yet: answered from the block term files.
        var before = ByHour(await CountAsync(Txn, Id, Refund));
        Assert.Equal(3, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
        var after = ByHour(await CountAsync(Txn, Id, Refund));

        foreach (var hours in new[] { before, after })
        {
            Assert.Equal([2L, 5, 28, 30, 50], hours.Keys.Order());
            Assert.Equal([2u, 2, 2], hours[2]);
            Assert.Equal([1u, 1, 0], hours[5]);
            Assert.Equal([1u, 1, 1], hours[28]);
            Assert.Equal([0u, 0, 1], hours[30]);
            Assert.Equal([0u, 0, 1], hours[50]);
        }

        // Every block is ruled out except the ones of hours 2 and 28 (blocks 0–2 and 27–29).
        var all = await _catalog.FindAsync("fake", Day0Nanos, Day0Nanos + (72 * Hour) - 1, CancellationToken.None);
        var skipped = await SkippableAsync(Txn, Id, Refund);
        Assert.Equal(all.Where(b => !new[] { 0L, 27 }.Contains(TermHours.HourOf(b.MinTimeNanos) - Day0Hour)).Select(b => b.Id).Order(), skipped.Order());
        Assert.Equal(3, Directory.GetFiles(_directory.File(TermHourIndex.DirectoryName), "*.tix", SearchOption.AllDirectories).Length);
        Assert.Equal(0, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task ABlockNewerThanItsDaysSegment_IsNeverRuledOut_AndIsCounted()
    {
        await PublishThreeDaysAsync();
        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);

        var late = await PublishAsync([(Day0Nanos + (40 * Hour) + 7, "late txn-4f3a9 refund")], app: "late");

        Assert.DoesNotContain(late.Id, await SkippableAsync(Txn, Id, Refund));
        var hours = ByHour(await CountAsync(Txn, Id, Refund));
        Assert.Equal([1u, 1, 1], hours[40]);
        Assert.Equal([2u, 2, 2], hours[2]);
    }

    [Fact]
    public async Task DamagedOrMissingIndexFiles_NeverLoseAResult()
    {
        var blocks = await PublishThreeDaysAsync();
        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
        var segment = _index.SegmentPath("fake", TermHours.DayOfHour(Day0Hour));

        // The days are sealed, so their term files are gone. A flipped byte in the first chunk: that day's blocks are
        // no longer ruled out, its hours are flagged incomplete, and the next refresh rebuilds it from the blocks' data.
        Assert.False(File.Exists(_directory.File(blocks[0].TermsPath)));
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[20] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);
        var skipped = await SkippableAsync(Txn, Id, Refund);
        Assert.All(blocks.Where(b => TermHours.HourOf(b.MinTimeNanos) - Day0Hour < 24), b => Assert.DoesNotContain(b.Id, skipped));
        Assert.Contains(await CountAsync(Txn, Id, Refund), h => h.Hour == Day0Hour + 2 && !h.Complete);
        Assert.Equal(1, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal([2u, 2, 2], ByHour(await CountAsync(Txn, Id, Refund))[2]);
        Assert.False(File.Exists(_directory.File(blocks[0].TermsPath)));

        // A truncated segment: the hour is flagged incomplete, nothing is ruled out; the refresh repairs it.
        await File.WriteAllBytesAsync(segment, bytes[..10]);
        var stillSkipped = await SkippableAsync(Txn, Id, Refund);
        Assert.All(blocks.Take(8), b => Assert.DoesNotContain(b.Id, stillSkipped));
        var damaged = await CountAsync(Txn, Id, Refund);
        Assert.Contains(damaged, h => h.Hour == Day0Hour + 2 && !h.Complete);

        Assert.Equal(1, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
        var repaired = await CountAsync(Txn, Id, Refund);
        Assert.All(repaired, h => Assert.True(h.Complete));
        Assert.Equal([2u, 2, 2], ByHour(repaired)[2]);
        Assert.Equal(0, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task AnOpenDayKeepsItsTermFiles_AndOnceSealedAnswersTheSameWithoutThem()
    {
        // Before the seal, a damaged segment's counts come from the blocks' term files.
        var blocks = await PublishThreeDaysAsync();
        var beforeSeal = Day0.AddDays(3) + TermHourIndex.SealAfter - TimeSpan.FromMinutes(1);
        Assert.Equal(3, await _index.RefreshAsync(_catalog, beforeSeal, TimeSpan.Zero, CancellationToken.None));
        Assert.All(blocks.Where(b => TermHours.HourOf(b.MinTimeNanos) - Day0Hour >= 48), b => Assert.True(File.Exists(_directory.File(b.TermsPath))));
        Assert.All(blocks.Where(b => TermHours.HourOf(b.MaxTimeNanos) - Day0Hour < 48), b => Assert.False(File.Exists(_directory.File(b.TermsPath))));
        var open = Describe(await CountAsync(Txn, Id, Refund));
        var openSkipped = await SkippableAsync(Txn, Id, Refund);

        var day2 = _index.SegmentPath("fake", TermHours.DayOfHour(Day0Hour) + 2);
        var bytes = await File.ReadAllBytesAsync(day2);
        await File.WriteAllBytesAsync(day2, bytes[..10]);
        Assert.Equal([0u, 0, 1], ByHour(await CountAsync(Txn, Id, Refund))[50]);
        Assert.All(await CountAsync(Txn, Id, Refund), h => Assert.True(h.Complete));
        await File.WriteAllBytesAsync(day2, bytes);

        // Sealed: rebuilt once more, then the term files are deleted; counts and narrowing are unchanged.
        Assert.Equal(1, await _index.RefreshAsync(_catalog, beforeSeal + TimeSpan.FromMinutes(2), TimeSpan.Zero, CancellationToken.None));
        Assert.All(blocks, b => Assert.False(File.Exists(_directory.File(b.TermsPath))));
        Assert.Equal(open, Describe(await CountAsync(Txn, Id, Refund)));
        Assert.Equal(openSkipped.Order(), (await SkippableAsync(Txn, Id, Refund)).Order());
        Assert.Equal(0, await _index.RefreshAsync(_catalog, beforeSeal + TimeSpan.FromMinutes(3), TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task AfterCompaction_TheRebuiltSegmentMatchesTheData()
    {
        // Four small blocks in hour 3 of day 0, two holding the needle.
        for (var i = 0; i < 4; i++)
        {
            await PublishAsync([(Day0Nanos + (3 * Hour) + i, i % 2 == 0 ? $"txn-4f3a9 refund {i}" : $"other {i}")]);
        }

        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
        using var compactor = new BlockCompactor(_directory.Path, _catalog, TimeProvider.System, TimeSpan.Zero, 64L * 1024 * 1024, NullLogger.Instance);
        Assert.Equal(4, await compactor.RunAsync(CancellationToken.None));
        var merged = Assert.Single(await _catalog.AllAsync(CancellationToken.None));
        Assert.True(File.Exists(_directory.File(merged.TermsPath)));

        Assert.Equal(1, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));
        using var segment = TermDaySegment.Open(_index.SegmentPath("fake", TermHours.DayOfHour(Day0Hour)));
        Assert.Equal([merged.Id], segment.Blocks.Keys);
        Assert.Equal([2u, 2, 2], ByHour(await CountAsync(Txn, Id, Refund))[3]);
        Assert.Empty(await SkippableAsync(Txn, Id, Refund));
        Assert.Equal([merged.Id], await SkippableAsync(Terms.HashTerm("absent")));
    }

    [Fact]
    public async Task AfterRetentionDropsAnHourAndADay_TheSegmentsFollow()
    {
        var blocks = await PublishThreeDaysAsync();
        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);

        // Retention drops day 0 entirely and the first block of day 1 (hours 24–26) as the enforcer does: catalog swap.
        var dropped = blocks.Where(b => TermHours.HourOf(b.MinTimeNanos) - Day0Hour < 27).Select(b => b.Id).ToList();
        await _catalog.ReplaceAsync(dropped, [], CancellationToken.None);
        Assert.Equal(1, await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None));

        Assert.False(File.Exists(_index.SegmentPath("fake", TermHours.DayOfHour(Day0Hour))));
        var hours = ByHour(await CountAsync(Txn, Id, Refund));
        Assert.Equal([28L, 30, 50], hours.Keys.Order());
        Assert.Equal([1u, 1, 1], hours[28]);
    }

    [Fact]
    public async Task AfterADeleteRewrite_TheNeedleHoursAreGone()
    {
        var blocks = await PublishThreeDaysAsync();
        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
        var first = blocks[0];
        var path = _directory.File(first.Path);
        var kept = BlockStreamReader.Read(path, BlockReader.ReadIndex(path), _ => long.MinValue)
            .Select(s => s with { Entries = [.. s.Entries.Where(e => !Encoding.UTF8.GetString(e.Line.Span).Contains("refund", StringComparison.OrdinalIgnoreCase))] })
            .ToList();
        var replacement = new BlockReplacement(_directory.Path, _catalog, new RetentionAuditLog(_directory.Path), TimeProvider.System, TimeSpan.Zero, NullLogger.Instance);
        var (record, conflict) = await replacement.ReplaceAsync(first, kept, DateTimeOffset.UtcNow, new BlockWriterOptions(),
            written => new RetentionRecord(DateTimeOffset.UtcNow, "fake", first.Id, RetentionAction.Rewritten, written?.Id, 2, kept.Sum(s => s.Entries.Count), []), CancellationToken.None);
        Assert.Null(conflict);
        Assert.NotNull(record);
        Assert.Equal(3, replacement.DeleteDueFiles()); // data file, sidecar and term file
        Assert.False(File.Exists(_directory.File(first.TermsPath)));

        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);
        var hours = ByHour(await CountAsync(Txn, Id, Refund));
        Assert.Equal([5L, 28, 30, 50], hours.Keys.Order());
    }

    [Fact]
    public async Task Refresh_RemovesLeftoverTemporaryFiles_AndOrphanTermFilesAreGarbage()
    {
        await PublishAsync([(Day0Nanos + 1, "x")]);
        var tmp = _directory.File(Path.Combine(TermHourIndex.DirectoryName, "fake", "2026-11-30.tix.tmp"));
        Directory.CreateDirectory(Path.GetDirectoryName(tmp)!);
        await File.WriteAllTextAsync(tmp, "half a segment");
        var orphan = _directory.File("blocks/fake/2026/11/30/00/lost.terms");
        await File.WriteAllTextAsync(orphan, "x");

        await _index.RefreshAsync(_catalog, DateTimeOffset.UtcNow, TimeSpan.Zero, CancellationToken.None);

        Assert.False(File.Exists(tmp));
        Assert.Contains(orphan, OrphanFiles.Find(_directory.Path, await _catalog.AllAsync(CancellationToken.None)));
        Assert.DoesNotContain(OrphanFiles.Find(_directory.Path, await _catalog.AllAsync(CancellationToken.None)), f => f.EndsWith(".terms", StringComparison.Ordinal) && f != orphan);
    }

    [Fact]
    public async Task AnOpenDay_IsRebuiltAtMostOncePerSettlePeriod()
    {
        var now = DateTimeOffset.UtcNow;
        var nowNanos = now.ToUnixTimeMilliseconds() * 1_000_000;
        await PublishAsync([(nowNanos - 1000, "today txn")]);
        Assert.Equal(1, await _index.RefreshAsync(_catalog, now, TimeSpan.FromMinutes(10), CancellationToken.None));
        await PublishAsync([(nowNanos - 500, "today again")], app: "other");

        Assert.Equal(0, await _index.RefreshAsync(_catalog, now, TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.Equal(1, await _index.RefreshAsync(_catalog, now.AddMinutes(11), TimeSpan.FromMinutes(10), CancellationToken.None));
    }

    [Fact]
    public async Task AnOpenDay_IsRebuiltOnlyOnceItsUnlistedBlocksHoldHalfTheListedBytes_ASealedDayAlways()
    {
        // Rebuilding an open day reads all its term files, so a day receiving a block every few seconds would be
        // re-read endlessly; it waits until it has grown by half.
        var now = DateTimeOffset.UtcNow;
        var nowNanos = now.ToUnixTimeMilliseconds() * 1_000_000;
        var big = Enumerable.Range(0, 4000).Select(i => (nowNanos - 10_000 + i, $"request {i:x} for user{i % 97} took long"));
        await PublishAsync(big);
        var settle = TimeSpan.FromMinutes(10);
        Assert.Equal(1, await _index.RefreshAsync(_catalog, now, settle, CancellationToken.None));

        var small = await PublishAsync([(nowNanos - 500, "late refund")], app: "other");
        Assert.Equal(0, await _index.RefreshAsync(_catalog, now.AddMinutes(11), settle, CancellationToken.None));
        var absent = Terms.HashTerm("nowhere");
        var blocks = await _catalog.FindAsync("fake", nowNanos - Hour, nowNanos, CancellationToken.None);
        Assert.DoesNotContain(small.Id, _index.Skippable("fake", blocks, [absent])); // unlisted: its bloom decides
        Assert.Single(_index.Skippable("fake", blocks, [absent]));

        await PublishAsync(big.Select(l => (l.Item1 + 1, l.Item2)), app: "third");
        Assert.Equal(1, await _index.RefreshAsync(_catalog, now.AddMinutes(22), settle, CancellationToken.None));
        blocks = await _catalog.FindAsync("fake", nowNanos - Hour, nowNanos, CancellationToken.None);
        Assert.Equal(3, _index.Skippable("fake", blocks, [absent]).Count); // all listed now

        // Once sealed, any change is rebuilt at the next refresh.
        await PublishAsync([(nowNanos - 400, "later still")], app: "fourth");
        var sealedAt = DateTimeOffset.UnixEpoch.AddDays(TermHours.DayOfHour(TermHours.HourOf(nowNanos)) + 1) + TermHourIndex.SealAfter;
        Assert.Equal(1, await _index.RefreshAsync(_catalog, sealedAt, settle, CancellationToken.None));
        Assert.Equal(0, await _index.RefreshAsync(_catalog, sealedAt, settle, CancellationToken.None));
    }
}
