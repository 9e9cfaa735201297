using System.Collections.Concurrent;
using System.Globalization;
using Loggia.Core.Diagnostics;
using Loggia.Core.IO;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// The term → hour index of every tenant (ADR 0005): per block a term file written with it (<see cref="BlockTerms"/>),
/// per tenant-day a merged segment (<see cref="TermDaySegment"/>) built by <see cref="RefreshAsync"/>. Derived data
/// throughout: a segment is used for a block only when it lists the block, and for a day's counts only when it lists
/// exactly the catalog's blocks of that day; anything else falls back to the blocks' term files, and a block without
/// readable term data is always read. So a stale, missing or damaged index makes queries slower, never wrong.
/// Knows term hashes only (no query language). Thread-safe: queries only read files; one refresh runs at a time.
/// </summary>
public sealed class TermHourIndex : IDisposable
{
    /// <summary>Directory of the segments under the data directory.</summary>
    public const string DirectoryName = "terms";

    /// <summary>
    /// How long after its end a day is sealed: its segment is rebuilt once more and its blocks' term files deleted
    /// (ADR 0006). Longer than the head keeps a chunk (2 h), so late flushes of the day are rare; one that comes anyway
    /// gets the day rebuilt from the blocks' data.
    /// </summary>
    public static readonly TimeSpan SealAfter = TimeSpan.FromHours(6);

    private readonly string _dataDirectory;
    private readonly TermIndexMetrics _metrics;
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    // Segments a lookup found damaged: the next refresh rebuilds them even though their block lists are current.
    private readonly ConcurrentDictionary<string, bool> _damaged = new(StringComparer.Ordinal);

    /// <summary>Creates the index of <paramref name="dataDirectory"/>.</summary>
    public TermHourIndex(string dataDirectory, MetricsScope? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _dataDirectory = dataDirectory;
        _metrics = new TermIndexMetrics(metrics ?? new MetricsScope());
    }

    /// <summary>The segment file of <paramref name="tenant"/>'s <paramref name="day"/> (days since the epoch).</summary>
    public string SegmentPath(string tenant, long day) =>
        Path.Combine(_dataDirectory, DirectoryName, tenant, DateTimeOffset.UnixEpoch.AddDays(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + TermDaySegment.Extension);

    /// <summary>
    /// The ids of <paramref name="blocks"/> (catalogued blocks of <paramref name="tenant"/>) that cannot hold an entry
    /// containing every hash of <paramref name="required"/>: their day's segment lists them and no hour they hold has
    /// them all. Blocks no segment lists are never returned (their bloom filters still apply when opened). Counted in
    /// <paramref name="statistics"/> when given. Empty when nothing is required.
    /// </summary>
    public HashSet<string> Skippable(string tenant, IReadOnlyList<BlockInfo> blocks, IReadOnlyList<ulong> required, BlockScanStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(required);
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        if (required.Count == 0)
        {
            return skipped;
        }

        // Per day: the segment and the mask of hours holding every required hash (null: no usable segment).
        var days = new Dictionary<long, (TermDaySegment Segment, uint All)?>();
        foreach (var block in blocks)
        {
            if (!MayHold(tenant, block, required, days))
            {
                skipped.Add(block.Id);
                statistics?.AddSkippedByTermIndex(block.Bytes);
            }
        }

        foreach (var entry in days.Values)
        {
            entry?.Segment.Dispose();
        }

        _metrics.BlocksSkipped.Add(skipped.Count);
        return skipped;
    }

    private bool MayHold(string tenant, BlockInfo block, IReadOnlyList<ulong> required, Dictionary<long, (TermDaySegment Segment, uint All)?> days)
    {
        var (firstDay, lastDay) = DaysOf(block);
        var covered = lastDay - firstDay < 2; // a block spanning days is rare: its own term file answers
        for (var day = firstDay; covered && day <= lastDay; day++)
        {
            if (!days.TryGetValue(day, out var entry))
            {
                entry = AllMask(SegmentPath(tenant, day), required);
                days[day] = entry;
            }

            if (entry is not { } usable || !usable.Segment.Blocks.TryGetValue(block.Id, out var hours) || usable.Segment.Unindexed.Contains(block.Id))
            {
                covered = false;
            }
            else if ((hours & usable.All) != 0)
            {
                return true;
            }
        }

        // Not covered by a segment (the current day, or a block newer than its day's segment): the block's own bloom
        // filters still rule it out when it is opened, without reading one more file per block here.
        return !covered;
    }

    private (TermDaySegment, uint)? AllMask(string path, IReadOnlyList<ulong> required)
    {
        var segment = TermDaySegment.TryOpen(path);
        if (segment is null)
        {
            return null;
        }

        try
        {
            var all = (1u << TermHours.HoursPerDay) - 1;
            foreach (var (mask, _) in segment.Lookup(required))
            {
                all &= mask;
            }

            return (segment, all);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _damaged[path] = true;
            segment.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Per hour of [<paramref name="firstHour"/>, <paramref name="lastHour"/>] that holds a counted hash or an
    /// uncounted block, the line count of each of <paramref name="hashes"/>. <paramref name="blocks"/> must be every
    /// catalogued block of <paramref name="tenant"/> overlapping the days of that range (a day's segment is trusted
    /// only when it lists exactly them). Ascending by hour.
    /// </summary>
    public IReadOnlyList<HourTermCounts> Count(string tenant, IReadOnlyList<BlockInfo> blocks, long firstHour, long lastHour, IReadOnlyList<ulong> hashes)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(hashes);
        var hours = new SortedDictionary<long, HourTermCounts>();
        HourTermCounts At(long hour) => hours.TryGetValue(hour, out var h) ? h : hours[hour] = new HourTermCounts(hour, new uint[hashes.Count], true);
        void Incomplete(long hour) => hours[hour] = At(hour) with { Complete = false };

        foreach (var (day, dayBlocks) in ByDay(blocks, TermHours.DayOfHour(firstHour), TermHours.DayOfHour(lastHour)))
        {
            var dayFirst = TermHours.FirstHourOf(day);
            if (FromSegment(SegmentPath(tenant, day), dayBlocks, hashes) is { } lookups)
            {
                for (var i = 0; i < hashes.Count; i++)
                {
                    for (var bit = 0; bit < TermHours.HoursPerDay; bit++)
                    {
                        var hour = dayFirst + bit;
                        if ((lookups.Values[i].Mask & (1u << bit)) != 0 && hour >= firstHour && hour <= lastHour)
                        {
                            At(hour).Lines[i] += lookups.Values[i].Lines[bit];
                        }
                    }
                }

                foreach (var block in dayBlocks)
                {
                    if (lookups.Unindexed.Contains(block.Id))
                    {
                        ForHoursOf(block, dayFirst, firstHour, lastHour, Incomplete);
                    }
                }

                continue;
            }

            foreach (var block in dayBlocks)
            {
                var terms = BlockTerms.TryReadFor(Path.Combine(_dataDirectory, block.Path));
                if (terms is null)
                {
                    ForHoursOf(block, dayFirst, firstHour, lastHour, Incomplete);
                    continue;
                }

                foreach (var hour in terms.Hours)
                {
                    if (hour.Hour < Math.Max(dayFirst, firstHour) || hour.Hour > Math.Min(dayFirst + TermHours.HoursPerDay - 1, lastHour))
                    {
                        continue;
                    }

                    var counts = At(hour.Hour).Lines;
                    for (var i = 0; i < hashes.Count; i++)
                    {
                        counts[i] += hour.LinesOf(hashes[i]);
                    }
                }
            }
        }

        var result = new List<HourTermCounts>(hours.Count);
        foreach (var hour in hours.Values)
        {
            if (!hour.Complete || hour.Lines.AsSpan().IndexOfAnyExcept(0u) >= 0)
            {
                result.Add(hour);
            }
        }

        return result;
    }

    private ((uint Mask, uint[] Lines)[] Values, IReadOnlySet<string> Unindexed)? FromSegment(string path, List<BlockInfo> dayBlocks, IReadOnlyList<ulong> hashes)
    {
        using var segment = TermDaySegment.TryOpen(path);
        if (segment is null || segment.Blocks.Count != dayBlocks.Count)
        {
            return null;
        }

        foreach (var block in dayBlocks)
        {
            if (!segment.Blocks.ContainsKey(block.Id))
            {
                return null;
            }
        }

        try
        {
            return (segment.Lookup(hashes), segment.Unindexed);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _damaged[path] = true;
            return null;
        }
    }

    private static void ForHoursOf(BlockInfo block, long dayFirst, long firstHour, long lastHour, Action<long> action)
    {
        var from = Math.Max(Math.Max(TermHours.HourOf(block.MinTimeNanos), dayFirst), firstHour);
        var to = Math.Min(Math.Min(TermHours.HourOf(block.MaxTimeNanos), dayFirst + TermHours.HoursPerDay - 1), lastHour);
        for (var hour = from; hour <= to; hour++)
        {
            action(hour);
        }
    }

    private static (long First, long Last) DaysOf(BlockInfo block) =>
        (TermHours.DayOfHour(TermHours.HourOf(block.MinTimeNanos)), TermHours.DayOfHour(TermHours.HourOf(block.MaxTimeNanos)));

    private static SortedDictionary<long, List<BlockInfo>> ByDay(IEnumerable<BlockInfo> blocks, long firstDay, long lastDay)
    {
        var result = new SortedDictionary<long, List<BlockInfo>>();
        foreach (var block in blocks)
        {
            var (first, last) = DaysOf(block);
            for (var day = Math.Max(first, firstDay); day <= Math.Min(last, lastDay); day++)
            {
                if (!result.TryGetValue(day, out var list))
                {
                    result[day] = list = [];
                }

                list.Add(block);
            }
        }

        return result;
    }

    /// <summary>
    /// Brings the segments in line with the catalog: every tenant-day whose segment does not list exactly its blocks,
    /// or that a lookup found damaged, is rebuilt from their term files (a missing or damaged term file is first derived
    /// from the block's data), except that a day still receiving blocks (not over <paramref name="settle"/> ago) is
    /// rebuilt at most once per <paramref name="settle"/>, and a day not yet sealed only once its blocks the segment
    /// does not list hold half the bytes of those it does. A day over <see cref="SealAfter"/> ago is sealed: rebuilt
    /// once more, then its blocks' term files are deleted. Segments of days without blocks (retention) and leftover
    /// temporary files are deleted.
    /// Crash-safe: each segment is written aside and renamed over the old one, and a stale one is only slower. Returns
    /// how many segments were written.
    /// </summary>
    public async Task<int> RefreshAsync(IBlockCatalog catalog, DateTimeOffset now, TimeSpan settle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var all = await catalog.AllAsync(cancellationToken);
            var tenants = new Dictionary<string, List<BlockInfo>>(StringComparer.Ordinal);
            foreach (var block in all)
            {
                if (!tenants.TryGetValue(block.Tenant, out var list))
                {
                    tenants[block.Tenant] = list = [];
                }

                list.Add(block);
            }

            var built = 0;
            var expected = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (tenant, blocks) in tenants)
            {
                foreach (var (day, dayBlocks) in ByDay(blocks, long.MinValue, long.MaxValue))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var path = SegmentPath(tenant, day);
                    expected.Add(path);
                    var dayEnd = DateTimeOffset.UnixEpoch.AddDays(day + 1);
                    var sealing = now >= dayEnd + SealAfter;
                    bool current, exists, grownEnough;
                    var damaged = _damaged.ContainsKey(path);
                    using (var segment = TermDaySegment.TryOpen(path))
                    {
                        exists = segment is not null;
                        current = segment is not null && Lists(segment, dayBlocks) && (segment.Sealed || !sealing) && !damaged;
                        grownEnough = segment is null || GrownEnough(segment, dayBlocks);
                    }

                    if (current)
                    {
                        continue;
                    }

                    if (exists && !sealing && !damaged
                        && ((now < dayEnd + settle && File.GetLastWriteTimeUtc(path) > (now - settle).UtcDateTime) || !grownEnough))
                    {
                        continue;
                    }

                    var inputs = new List<TermDaySegment.Input>(dayBlocks.Count);
                    foreach (var block in dayBlocks)
                    {
                        // A sealed day's term files are deleted right after, so a rebuilt one is not written.
                        inputs.Add(new TermDaySegment.Input(block.Id, ReadOrRebuild(block, keep: !sealing)));
                    }

                    TermDaySegment.Write(path, day, inputs, sealing);
                    _damaged.TryRemove(path, out _);
                    _metrics.SegmentsBuilt.Add(1);
                    built++;
                    if (sealing)
                    {
                        DeleteTermFiles(dayBlocks, now);
                    }
                }
            }

            DeleteOthers(expected);
            return built;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// Whether an open day's blocks that <paramref name="segment"/> does not list hold at least half the bytes of those
    /// it does. Rebuilding an open day reads every term file of the day, so it waits until the day has grown by half:
    /// the rebuilds of a day then read about three times its term files in all, not once per refresh. Blocks the
    /// segment does not list are still ruled out by their own bloom filters and counted from their term files.
    /// </summary>
    private static bool GrownEnough(TermDaySegment segment, List<BlockInfo> blocks)
    {
        long listed = 0, unlisted = 0;
        foreach (var block in blocks)
        {
            if (segment.Blocks.ContainsKey(block.Id))
            {
                listed += block.Bytes;
            }
            else
            {
                unlisted += block.Bytes;
            }
        }

        return unlisted * 2 >= listed && unlisted > 0;
    }

    private static bool Lists(TermDaySegment segment, List<BlockInfo> blocks)
    {
        if (segment.Blocks.Count != blocks.Count)
        {
            return false;
        }

        foreach (var block in blocks)
        {
            if (!segment.Blocks.ContainsKey(block.Id))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Deletes the term files of the sealed day's blocks that lie wholly in sealed days: the segments hold their terms
    /// now, and a later rebuild of the day (compaction, retention, deletes, a late block) derives them from the data.
    /// </summary>
    private void DeleteTermFiles(List<BlockInfo> blocks, DateTimeOffset now)
    {
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var block in blocks)
        {
            var lastDayEnd = DateTimeOffset.UnixEpoch.AddDays(DaysOf(block).Last + 1);
            var termFile = BlockTerms.PathFor(Path.Combine(_dataDirectory, block.Path));
            if (now >= lastDayEnd + SealAfter && File.Exists(termFile))
            {
                File.Delete(termFile);
                deleted++;
                directories.Add(Path.GetDirectoryName(termFile)!);
            }
        }

        // Durable, so a crash does not bring back files no later refresh would look at.
        foreach (var directory in directories)
        {
            DirectorySync.Flush(directory);
        }

        _metrics.BlockTermsDeleted.Add(deleted);
    }

    private BlockTerms? ReadOrRebuild(BlockInfo block, bool keep)
    {
        var parquet = Path.Combine(_dataDirectory, block.Path);
        if (BlockTerms.TryReadFor(parquet) is { } terms)
        {
            return terms;
        }

        try
        {
            // Blocks written before the index, or whose term file was lost: derive it from the block itself.
            var index = BlockReader.ReadIndex(parquet);
            var collector = new BlockTermCollector();
            foreach (var stream in BlockStreamReader.Read(parquet, index, static _ => long.MinValue))
            {
                foreach (var entry in stream.Entries)
                {
                    collector.AddEntry(entry);
                }
            }

            terms = collector.Build();
            if (keep)
            {
                terms.WriteFor(parquet);
                DirectorySync.Flush(Path.GetDirectoryName(parquet)!);
            }

            _metrics.BlockTermsRebuilt.Add(1);
            return terms;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or BlockCorruptException)
        {
            return null; // an unreadable block: listed as unindexed, so it is always read and its hours flagged
        }
    }

    private void DeleteOthers(HashSet<string> expected)
    {
        var root = Path.Combine(_dataDirectory, DirectoryName);
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            if ((file.EndsWith(TermDaySegment.Extension, StringComparison.Ordinal) && !expected.Contains(file)) || file.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _metrics.Dispose();
        _refreshing.Dispose();
    }
}
