using System.Text;
using Loggia.Parquet.Data;
using Loggia.Parquet.Tests.Interop;
using Loggia.Storage.Blocks;

namespace Loggia.Storage.Tests.Blocks;

public sealed class BlockTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loggia-blocks-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static BlockStreamInput Stream(ulong fingerprint, string app, long start, int count, int step = 1_000_000, bool metadata = false)
    {
        var entries = new List<BlockEntry>(count);
        for (var i = 0; i < count; i++)
        {
            IReadOnlyList<KeyValuePair<string, string>>? meta = metadata && i % 2 == 0 ? [new("trace_id", $"t{i}")] : null;
            entries.Add(new BlockEntry(start + (i * (long)step), Encoding.UTF8.GetBytes($"{app} line {i} ünïcode"), EntryMetadata.From(meta)));
        }

        return new BlockStreamInput(fingerprint, $"{{app=\"{app}\", env=\"prod\"}}", [new("app", app), new("env", "prod")], entries);
    }

    private List<(long Ts, long Stream, string Line)> ReadAll(WrittenBlock block, IReadOnlyList<int> streams, long from, long to)
    {
        var path = Path.Combine(_directory, block.RelativePath);
        using var reader = BlockReader.Open(path, BlockReader.ReadIndex(path));
        var rows = new List<(long, long, string)>();
        var batch = new RowBatch(reader.Index.Streams.Count > 0 ? BlockSchema.Schema : BlockSchema.Schema);
        reader.Read(streams, from, to, batch, b =>
        {
            for (var r = 0; r < b.RowCount; r++)
            {
                rows.Add((b.Int64s(BlockSchema.Timestamp)[r], b.Int64s(BlockSchema.StreamId)[r], b.Binaries(BlockSchema.Line).GetString(r)));
            }

            return true;
        });
        return rows;
    }

    [Fact]
    public void Block_IsSortedByLabelsThenTime_AndItsIndexDescribesEveryStream()
    {
        const long t0 = 1_763_800_000_000_000_000;
        var block = BlockWriter.Write(_directory, "acme", [Stream(3, "zeta", t0, 100), Stream(1, "alpha", t0 + 5, 50), Stream(2, "mid", t0 - 7, 10)]);

        Assert.StartsWith(Path.Combine("blocks", "acme", "2025", "11", "22", "08"), block.RelativePath, StringComparison.Ordinal);
        var path = Path.Combine(_directory, block.RelativePath);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        var index = BlockReader.ReadIndex(path);
        Assert.Equal(["{app=\"alpha\", env=\"prod\"}", "{app=\"mid\", env=\"prod\"}", "{app=\"zeta\", env=\"prod\"}"], index.Streams.Select(s => s.Labels));
        Assert.Equal([0L, 50L, 60L], index.Streams.Select(s => s.FirstRow));
        Assert.Equal(160, index.Rows);
        Assert.Equal(t0 - 7, index.MinTime);
        Assert.Equal(t0 + (99 * 1_000_000L), index.MaxTime);
        Assert.True(BlockReader.Verify(path, index));

        var rows = ReadAll(block, [0, 1, 2], long.MinValue, long.MaxValue);
        Assert.Equal(160, rows.Count);
        Assert.Equal("alpha line 0 ünïcode", rows[0].Line);
        Assert.Equal(1, rows[0].Stream);
        Assert.Equal("zeta line 99 ünïcode", rows[^1].Line);
        for (var i = 1; i < 50; i++)
        {
            Assert.True(rows[i].Ts > rows[i - 1].Ts);
        }
    }

    [Fact]
    public void Reading_ChosenStreamsAndTimeRange_ReturnsTheirRowsAndSkipsOtherRowGroups()
    {
        const long t0 = 1_763_800_000_000_000_000;
        var streams = Enumerable.Range(0, 20).Select(i => Stream((ulong)i + 1, $"app{i:00}", t0 + i, 10_000)).ToList();
        var block = BlockWriter.Write(_directory, "acme", streams, new BlockWriterOptions { RowGroupRawBytes = 1024 * 1024 });
        var index = BlockReader.ReadIndex(Path.Combine(_directory, block.RelativePath));
        Assert.True(index.RowGroups.Count > 5, $"expected several row groups, got {index.RowGroups.Count}");
        Assert.Equal(index.Rows, index.RowGroups.Sum(g => g.RowCount));

        var rows = ReadAll(block, [3, 17], t0 + 500_000_000, t0 + 700_000_000);
        var expected = new[] { 3, 17 }.SelectMany(s => streams[s].Entries.Select(e => (e.TimestampNanos, (long)streams[s].Fingerprint)))
            .Where(e => e.TimestampNanos >= t0 + 500_000_000 && e.TimestampNanos <= t0 + 700_000_000).ToList();
        var inRange = rows.Where(r => r.Ts >= t0 + 500_000_000 && r.Ts <= t0 + 700_000_000).Select(r => (r.Ts, r.Stream)).ToList();
        Assert.Equal(expected, inRange);
        Assert.All(rows, r => Assert.Contains(r.Stream, new long[] { 4, 18 }));
        // The two streams hold 20,000 rows; the time range selects ~400 of them, and only the few
        // timestamp pages around it may be read.
        Assert.True(rows.Count < 5000, $"{rows.Count} rows read: pages outside the time range were read");
    }

    [Fact]
    public void DamagedBlockOrIndex_IsDetected()
    {
        var block = BlockWriter.Write(_directory, "acme", [Stream(1, "a", 1_763_800_000_000_000_000, 500)]);
        var path = Path.Combine(_directory, block.RelativePath);
        var indexPath = WrittenBlock.IndexPathFor(path);
        var indexBytes = File.ReadAllBytes(indexPath);
        for (var i = 0; i < indexBytes.Length; i++)
        {
            var damaged = (byte[])indexBytes.Clone();
            damaged[i] ^= 0x40;
            Assert.Throws<BlockCorruptException>(() => BlockIndex.Parse(damaged, indexPath));
        }

        for (var length = 0; length < indexBytes.Length; length++)
        {
            Assert.Throws<BlockCorruptException>(() => BlockIndex.Parse(indexBytes.AsSpan(0, length), indexPath));
        }

        var blockBytes = File.ReadAllBytes(path);
        blockBytes[blockBytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, blockBytes);
        Assert.False(BlockReader.Verify(path, BlockIndex.Parse(indexBytes)));
    }

    [Fact]
    public void DamagedPageBytes_AreDetectedWhenRead_NotDecodedIntoWrongLines()
    {
        var block = BlockWriter.Write(_directory, "acme", [Stream(1, "a", 1_763_800_000_000_000_000, 500)]);
        var path = Path.Combine(_directory, block.RelativePath);
        long chunkEnd;
        using (var parquet = Loggia.Parquet.Reading.ParquetReader.Open(path))
        {
            var line = parquet.Metadata.RowGroups[0].Columns.Select(c => c.MetaData!).Single(m => m.PathInSchema[0] == "line");
            chunkEnd = (line.DictionaryPageOffset ?? line.DataPageOffset) + line.TotalCompressedSize;
        }

        // The last bytes of the line chunk are its last page's compressed body, ending in the zstd frame checksum:
        // damage there leaves every header and the footer intact, so only the page checksum can catch it.
        var original = File.ReadAllBytes(path);
        for (var back = 1; back <= 8; back++)
        {
            var damaged = (byte[])original.Clone();
            damaged[chunkEnd - back] ^= 0x10;
            File.WriteAllBytes(path, damaged);
            var e = Assert.Throws<BlockCorruptException>(() => ReadAll(block, [0], long.MinValue, long.MaxValue));
            Assert.Equal(path, e.FilePath);
        }

        File.WriteAllBytes(path, original);
        Assert.Equal(500, ReadAll(block, [0], long.MinValue, long.MaxValue).Count);
    }

    [Fact]
    public void BlockFile_IsReadByDuckDb_AsItLies()
    {
        const long t0 = 1_763_800_000_123_456_789;
        var block = BlockWriter.Write(_directory, "acme", [Stream(7, "web", t0, 3, metadata: true), Stream(9, "db", t0 + 1, 2)]);
        var path = Path.Combine(_directory, block.RelativePath).Replace("'", "''", StringComparison.Ordinal);
        var result = DuckDb.Query($"SELECT timestamp, stream_id, labels['app'], line, metadata['trace_id'], typeof(timestamp) FROM read_parquet('{path}')");
        Assert.Equal(5, result.Rows.Count);
        var first = result.Rows[0];
        Assert.Equal((t0 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), first[0].GetString());
        Assert.Equal("9", first[1].GetString());
        Assert.Equal("db", first[2].GetString());
        Assert.Equal("db line 0 ünïcode", first[3].GetString());
        Assert.Equal("TIMESTAMP_NS", first[5].GetString());
        var web = result.Rows[2];
        Assert.Equal(t0.ToString(System.Globalization.CultureInfo.InvariantCulture), web[0].GetString());
        Assert.Equal("t0", web[4].GetString());
    }
}
