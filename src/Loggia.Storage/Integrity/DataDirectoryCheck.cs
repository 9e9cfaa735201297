using System.Globalization;
using Loggia.Parquet.Data;
using Loggia.Storage.Blocks;
using Loggia.Storage.Catalog;
using Loggia.Storage.TermIndex;
using Loggia.Storage.Wal;

namespace Loggia.Storage.Integrity;

/// <summary>
/// Verifies a data directory offline (the server stopped): every WAL segment's header and record CRCs, and every
/// catalogued block — files present, sizes, the sidecar's CRC32C, the Parquet file's CRC32C, the index against the
/// catalog (time range, rows, streams) and against the data (every row decoded, which checks each page's zstd
/// checksum, and found in its stream's row range and time bounds) and its term file; every term segment of the term
/// index (every chunk and filter page); the SQLite catalog's own integrity check; files the catalog does not know are
/// listed.
/// Reads only: nothing is modified (docs/integrity.md).
/// </summary>
public static class DataDirectoryCheck
{
    /// <summary>Checks <paramref name="dataDirectory"/> whose catalog is <paramref name="catalog"/>.</summary>
    public static async Task<FsckReport> RunAsync(string dataDirectory, IBlockCatalog catalog, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        ArgumentNullException.ThrowIfNull(catalog);
        var root = Path.GetFullPath(dataDirectory);
        var report = new FsckReport();
        CheckWal(root, report);
        if (catalog is SqliteBlockCatalog sqlite)
        {
            try
            {
                foreach (var message in await sqlite.CheckIntegrityAsync(cancellationToken))
                {
                    report.Add(new FsckFinding(FsckSeverity.Problem, "catalog", "catalog.db", message));
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                report.Add(new FsckFinding(FsckSeverity.Problem, "catalog", "catalog.db", e.Message));
            }
        }

        var blocks = await catalog.AllAsync(cancellationToken);
        foreach (var block in blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CheckBlock(root, block, report);
        }

        CheckTermSegments(root, report);
        foreach (var orphan in OrphanFiles.Find(root, blocks))
        {
            report.Add(new FsckFinding(FsckSeverity.Note, "orphan", Relative(root, orphan), "not in the catalog (removed at the next server start)"));
        }

        return report;
    }

    /// <summary>
    /// Replays every segment read-only with the WAL's own record reader. Damage in the newest segment is a torn
    /// write the next start truncates (a note); damage in an older one is media corruption (a problem).
    /// </summary>
    private static void CheckWal(string root, FsckReport report)
    {
        var directory = Path.Combine(root, "wal");
        if (!Directory.Exists(directory))
        {
            return;
        }

        var segments = new List<(ulong Sequence, string Path)>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (WalFormat.TryParseSegmentFileName(Path.GetFileName(file), out var sequence))
            {
                segments.Add((sequence, file));
            }
        }

        segments.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        for (var i = 0; i < segments.Count; i++)
        {
            var (sequence, path) = segments[i];
            var tail = i == segments.Count - 1;
            report.WalSegments++;
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new WalSegmentReader(handle);
            WalDamage damage;
            try
            {
                damage = reader.ReadSegmentHeader(sequence);
            }
            catch (NotSupportedException e)
            {
                report.Add(new FsckFinding(FsckSeverity.Problem, "wal", Relative(root, path), e.Message));
                continue;
            }

            if (damage == WalDamage.None)
            {
                while (reader.TryReadNext(out _, out _, out _, out damage))
                {
                    report.WalRecords++;
                }
            }

            if (damage == WalDamage.None)
            {
                continue;
            }

            var torn = tail && damage is WalDamage.ShortRecordHeader or WalDamage.LengthBeyondEnd or WalDamage.ShortSegmentHeader;
            var message = string.Create(CultureInfo.InvariantCulture, $"{damage} at byte {reader.GoodEnd} of {reader.Length}")
                + (torn ? " (a torn last write: the next start truncates it)" : " (records after it are not replayed)");
            report.Add(new FsckFinding(torn ? FsckSeverity.Note : FsckSeverity.Problem, "wal", Relative(root, path), message));
        }
    }

    /// <summary>
    /// Every term segment (<c>terms/&lt;tenant&gt;/&lt;day&gt;.tix</c>): footer, chunks and filter pages against their
    /// checksums. Derived data, so a damaged one is a problem without a block to quarantine: queries fall back to the
    /// blocks' blooms, and the server rebuilds it once a lookup meets the damage (or delete it to rebuild it now).
    /// </summary>
    private static void CheckTermSegments(string root, FsckReport report)
    {
        var directory = Path.Combine(root, TermHourIndex.DirectoryName);
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*" + TermDaySegment.Extension, SearchOption.AllDirectories))
        {
            report.TermSegments++;
            try
            {
                using var segment = TermDaySegment.Open(path);
                segment.Verify();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
            {
                report.Add(new FsckFinding(FsckSeverity.Problem, "terms", Relative(root, path),
                    e.Message + " (derived data: queries read the blocks instead; the server rebuilds the segment after a lookup meets the damage, or delete it)"));
            }
        }
    }

    /// <summary>
    /// A block's term file, when it has one (days not yet sealed): magic, version and CRC32C. Derived data as well: a
    /// damaged one only keeps the block from being ruled out, and is rebuilt from the block when its day is.
    /// </summary>
    private static void CheckTermFile(string root, BlockInfo block, FsckReport report)
    {
        var path = BlockTerms.PathFor(Path.Combine(root, block.Path));
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            _ = BlockTerms.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            report.Add(new FsckFinding(FsckSeverity.Problem, "terms", Relative(root, path),
                e.Message + " (derived data: the block is read instead of ruled out; rebuilt from the block when its day is)"));
        }
    }

    private static void CheckBlock(string root, BlockInfo block, FsckReport report)
    {
        CheckTermFile(root, block, report);
        report.Blocks++;
        var path = Path.Combine(root, block.Path);
        var relative = block.Path;
        void Problem(string message) => report.Add(new FsckFinding(FsckSeverity.Problem, "block", relative, message, block.Id));

        if (!File.Exists(path))
        {
            Problem("block file is missing");
            return;
        }

        if (!File.Exists(Path.Combine(root, block.IndexPath)))
        {
            Problem("index sidecar is missing");
            return;
        }

        var length = new FileInfo(path).Length;
        if (length != block.Bytes)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"file is {length} bytes, the catalog says {block.Bytes}"));
        }

        BlockIndex index;
        try
        {
            index = BlockReader.ReadIndex(path);
        }
        catch (BlockCorruptException e)
        {
            Problem("index sidecar: " + e.Reason);
            return;
        }

        var before = report.Findings.Count;
        if (index.ParquetLength != length)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"file is {length} bytes, its index says {index.ParquetLength}"));
        }
        else if (!BlockReader.Verify(path, index))
        {
            Problem("file CRC32C does not match its index (the bytes changed after the block was written)");
        }

        var checksum = index.ParquetChecksum.ToString("x8", CultureInfo.InvariantCulture);
        if (!string.Equals(checksum, block.Checksum, StringComparison.OrdinalIgnoreCase))
        {
            Problem($"index checksum {checksum} differs from the catalog's {block.Checksum}");
        }

        if (index.MinTime != block.MinTimeNanos || index.MaxTime != block.MaxTimeNanos)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"index time range {index.MinTime}..{index.MaxTime} differs from the catalog's {block.MinTimeNanos}..{block.MaxTimeNanos}"));
        }

        if (index.Rows != block.Rows || index.Streams.Count != block.StreamCount)
        {
            Problem(string.Create(CultureInfo.InvariantCulture, $"index has {index.Rows} rows in {index.Streams.Count} streams, the catalog says {block.Rows} in {block.StreamCount}"));
        }

        if (report.Findings.Count == before)
        {
            CheckRows(path, index, report, Problem);
        }
    }

    /// <summary>Decodes every row and checks it lies in its stream's row range and time bounds.</summary>
    private static void CheckRows(string path, BlockIndex index, FsckReport report, Action<string> problem)
    {
        var all = new int[index.Streams.Count];
        for (var s = 0; s < all.Length; s++)
        {
            all[s] = s;
        }

        var row = 0L;
        var stream = 0;
        string? mismatch = null;
        try
        {
            using var reader = BlockReader.Open(path, index);
            reader.Read(all, long.MinValue, long.MaxValue, new RowBatch(BlockSchema.Schema, 4096), batch =>
            {
                var timestamps = batch.Int64s(BlockSchema.Timestamp);
                var ids = batch.Int64s(BlockSchema.StreamId);
                for (var r = 0; r < batch.RowCount; r++, row++)
                {
                    while (stream < index.Streams.Count && row >= index.Streams[stream].FirstRow + index.Streams[stream].RowCount)
                    {
                        stream++;
                    }

                    var range = stream < index.Streams.Count ? index.Streams[stream] : null;
                    if (range is null || unchecked((ulong)ids[r]) != range.Fingerprint || timestamps[r] < range.MinTime || timestamps[r] > range.MaxTime)
                    {
                        mismatch = string.Create(CultureInfo.InvariantCulture, $"row {row} (stream {unchecked((ulong)ids[r]):x16}, time {timestamps[r]}) is not where its index puts it");
                        return false;
                    }
                }

                return true;
            });
        }
        catch (Exception e) when (e is BlockCorruptException or IOException or InvalidDataException)
        {
            problem(e is BlockCorruptException corrupt ? corrupt.Reason : e.Message);
            return;
        }

        report.Rows += row;
        if (mismatch is not null)
        {
            problem(mismatch);
        }
        else if (row != index.Rows)
        {
            problem(string.Create(CultureInfo.InvariantCulture, $"{row} rows decoded, its index says {index.Rows}"));
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
