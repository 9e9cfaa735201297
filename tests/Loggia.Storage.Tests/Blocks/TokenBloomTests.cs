using System.Text;
using Loggia.Core.Tokens;
using Loggia.Parquet.Data;
using Loggia.Storage.Blocks;
using Loggia.Storage.TermIndex;

namespace Loggia.Storage.Tests.Blocks;

public sealed class TokenBloomTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("loggia-bloom-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(10_000, 0.01)]
    [InlineData(50_000, 0.01)]
    [InlineData(20_000, 0.001)]
    public void Bloom_HasNoFalseNegatives_AndItsFalsePositiveRateStaysNearTheTarget(int present, double rate)
    {
        var random = new Random(present);
        var inserted = new HashSet<ulong>();
        while (inserted.Count < present)
        {
            inserted.Add((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));
        }

        var filter = TokenBloomFilter.Create(inserted.Count, rate);
        foreach (var hash in inserted)
        {
            filter.Add(hash);
        }

        foreach (var hash in inserted)
        {
            Assert.True(filter.MayContain(hash));
        }

        // Absent tokens hashed the way the writer hashes them.
        const int probes = 100_000;
        var falsePositives = 0;
        for (var i = 0; i < probes; i++)
        {
            var hash = Terms.HashTerm($"absent{i}x{random.Next()}");
            if (!inserted.Contains(hash) && filter.MayContain(hash))
            {
                falsePositives++;
            }
        }

        var measured = (double)falsePositives / probes;
        Assert.True(measured <= rate * 1.5, $"false-positive rate {measured:P3} over 1.5 × {rate:P2}");
        Assert.True(measured >= rate * 0.3, $"false-positive rate {measured:P3} far below {rate:P2}: the filter is oversized");
    }

    [Fact]
    public void RowGroupFilters_HoldEveryTermAndPairOfTheirGroup_ThoughTheCollectorSawThemInEarlierGroupsAndHours()
    {
        // The filters are filled from the hashes the term collector reports new to the row group: a term seen in an
        // earlier group, in another hour of the same group, or twice in one line must still be in each group's filter.
        var collector = new BlockTermCollector();
        var tokens = new RowGroupTokens(0.01, collector);
        var random = new Random(11);
        var hour = TermHours.HourNanos;
        var groups = new List<(HashSet<ulong> Lines, HashSet<ulong> Pairs)>();
        var filters = new List<RowGroupBlooms>();
        for (var group = 0; group < 3; group++)
        {
            var lines = new HashSet<ulong>();
            var pairs = new HashSet<ulong>();
            for (var row = 0; row < 2_000; row++)
            {
                // Rows alternate between two hours; words repeat across rows, groups and hours; ids are fresh.
                var text = $"word{random.Next(300)} common word{random.Next(300)} common id{random.Next(1_000_000):x}";
                var ts = (row % 2 == 0 ? 0 : hour) + row;
                var metadata = EntryMetadata.From([new("level", row % 3 == 0 ? "warn" : "info"), new("trace", $"t{random.Next(5_000):x}")]);
                tokens.Add(new BlockEntry(ts, Encoding.UTF8.GetBytes(text), metadata));
                foreach (var term in Terms.Enumerate(Encoding.UTF8.GetBytes(text), new byte[Terms.MaxTermBytes]))
                {
                    lines.Add(term);
                }

                foreach (EntryMetadata.Pair pair in metadata)
                {
                    pairs.Add(Terms.HashPair(pair.Name, pair.Value));
                }
            }

            groups.Add((lines, pairs));
            filters.Add(tokens.Build());
        }

        for (var g = 0; g < groups.Count; g++)
        {
            Assert.All(groups[g].Lines, h => Assert.True(filters[g].Lines.MayContain(h)));
            Assert.All(groups[g].Pairs, h => Assert.True(filters[g].Metadata.MayContain(h)));
        }

        // And the groups' filters are sized by their own distinct hashes: an id of another group is mostly rejected.
        var foreign = groups[0].Lines.Except(groups[1].Lines).ToList();
        var accepted = foreign.Count(h => filters[1].Lines.MayContain(h));
        Assert.True(accepted < foreign.Count * 0.03, $"{accepted} of {foreign.Count} hashes of group 0 pass group 1's filter");
    }

    [Theory]
    [InlineData(1, 0.01)]
    [InlineData(300, 0.01)]
    [InlineData(5000, 0.001)]
    public void FilterBits_AreExactlyTheDocumentedProbes_SoSidecarsOfEveryVersionReadAlike(int tokens, double rate)
    {
        // docs/formats/block.md: probe i of a hash sets bit (h1 + i·h2) mod m, h1 and h2 the low and high 32 bits.
        var filter = TokenBloomFilter.Create(tokens, rate);
        var random = new Random(tokens);
        var expected = new byte[filter.SizeBytes];
        var m = (ulong)filter.SizeBytes * 8;
        for (var t = 0; t < tokens; t++)
        {
            var hash = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
            filter.Add(hash);
            for (var i = 0; i < filter.HashCount; i++)
            {
                var bit = ((uint)hash + ((ulong)i * (uint)(hash >> 32))) % m;
                expected[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }

        var written = new byte[filter.SerializedSize];
        filter.WriteTo(written);
        Assert.Equal(expected, written[5..]);
    }

    [Fact]
    public void EmptyFilter_RejectsEverything()
    {
        var filter = TokenBloomFilter.Create(0, 0.01);
        Assert.False(filter.MayContain(Terms.HashTerm("anything")));
        Assert.True(filter.MayContainAll([]));
    }

    private static BlockStreamInput Stream(ulong fingerprint, string app, long start, int count, Func<int, string> line, Func<int, string?>? trace = null)
    {
        var entries = new List<BlockEntry>(count);
        for (var i = 0; i < count; i++)
        {
            IReadOnlyList<KeyValuePair<string, string>>? meta = trace?.Invoke(i) is { } t ? [new("trace_id", t)] : null;
            entries.Add(new BlockEntry(start + i, Encoding.UTF8.GetBytes(line(i)), EntryMetadata.From(meta)));
        }

        return new BlockStreamInput(fingerprint, $"{{app=\"{app}\"}}", [new("app", app)], entries);
    }

    private (BlockIndex Index, string Path) WriteNeedleBlock(double rate)
    {
        const long t0 = 1_763_800_000_000_000_000;
        // One needle line deep inside the second stream; every row group is ~64 KiB of raw line bytes.
        var streams = new[]
        {
            Stream(1, "a", t0, 20_000, i => $"GET /api/users/{i % 977} status=200 took={i % 13}ms", i => i % 3 == 0 ? $"t{i % 50}" : null),
            Stream(2, "b", t0, 20_000, i => i == 12_345 ? "payment txn-4f3a9 FAILED for Ünïcode user" : $"worker {i % 31} heartbeat ok", i => i == 12_345 ? "needle-trace" : null),
        };
        var block = BlockWriter.Write(_directory, "acme", streams, new BlockWriterOptions { RowGroupRawBytes = 64 * 1024, BloomFalsePositiveRate = rate });
        var path = Path.Combine(_directory, block.RelativePath);
        return (BlockReader.ReadIndex(path), path);
    }

    private static List<string> Read(string path, BlockIndex index, RequiredTokens? required, BlockScanStatistics statistics)
    {
        using var reader = BlockReader.Open(path, index);
        var lines = new List<string>();
        reader.Read([0, 1], long.MinValue, long.MaxValue, new RowBatch(BlockSchema.Schema), b =>
        {
            for (var r = 0; r < b.RowCount; r++)
            {
                lines.Add(b.Binaries(BlockSchema.Line).GetString(r));
            }

            return true;
        }, required, statistics);
        return lines;
    }

    [Fact]
    public void MetadataPairs_RepeatedRowToRow_AreInEveryRowGroupsFilter()
    {
        // Rows repeat their pairs (the writer skips hashing a pair the previous row had at the same place); a pair that
        // changes, moves or reappears after a row-group boundary must still be in the filter of its row group.
        const long t0 = 1_763_800_000_000_000_000;
        var entries = new List<BlockEntry>();
        for (var i = 0; i < 4_000; i++)
        {
            List<KeyValuePair<string, string>> pairs = i % 500 == 7
                ? [new("level", "warn"), new("host", "web-1")] // moved and changed
                : [new("host", "web-1"), new("level", "info"), new("seq", (i / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))];
            entries.Add(new BlockEntry(t0 + i, Encoding.UTF8.GetBytes($"line {i % 10} of the test"), EntryMetadata.From(pairs)));
        }

        var block = BlockWriter.Write(_directory, "acme", [new BlockStreamInput(1, "{app=\"a\"}", [new("app", "a")], entries)],
            new BlockWriterOptions { RowGroupRawBytes = 16 * 1024, BloomFalsePositiveRate = 0.01 });
        var index = BlockReader.ReadIndex(Path.Combine(_directory, block.RelativePath));
        Assert.True(index.RowGroups.Count > 3, $"{index.RowGroups.Count} row groups");
        for (var g = 0; g < index.RowGroups.Count; g++)
        {
            var group = index.RowGroups[g];
            var metadata = index.Blooms![g].Metadata;
            for (var row = group.FirstRow; row < group.FirstRow + group.RowCount; row++)
            {
                foreach (var pair in entries[(int)row].Metadata)
                {
                    Assert.True(metadata.MayContain(Terms.HashPair(pair.Name, pair.Value)), $"row group {g}, row {row}: {pair.NameString()}={pair.ValueString()}");
                }
            }
        }
    }

    [Fact]
    public void Sidecar_HoldsOneFilterPairPerRowGroup_AndRoundTrips()
    {
        var (index, _) = WriteNeedleBlock(0.01);
        Assert.NotNull(index.Blooms);
        Assert.True(index.RowGroups.Count > 10, $"{index.RowGroups.Count} row groups");
        Assert.Equal(index.RowGroups.Count, index.Blooms.Count);
        var again = BlockIndex.Parse(index.Serialize());
        Assert.Equal(index.Serialize(), again.Serialize());
        var hits = index.Blooms.Count(b => b.Lines.MayContain(Terms.HashTerm("txn")) && b.Lines.MayContain(Terms.HashTerm("4f3a9")));
        Assert.InRange(hits, 1, 2);
        Assert.Equal(index.Blooms.Count, index.Blooms.Count(b => b.Lines.MayContain(Terms.HashTerm("HEARTBEAT")) || b.Lines.MayContain(Terms.HashTerm("users"))));
    }

    [Fact]
    public void Reader_SkipsRowGroupsWhoseBloomRulesOutARequiredToken_AndFindsTheSameNeedle()
    {
        var (index, path) = WriteNeedleBlock(0.01);
        var all = new BlockScanStatistics();
        var everything = Read(path, index, null, all);
        Assert.Equal(40_000, everything.Count);
        Assert.Equal(0, all.RowGroupsSkippedByBloom);

        var pruned = new BlockScanStatistics();
        var required = new RequiredTokens([Terms.HashTerm("txn"), Terms.HashTerm("4f3a9")], [Terms.HashPair("trace_id", "needle-trace")]);
        var lines = Read(path, index, required, pruned);
        Assert.Contains("payment txn-4f3a9 FAILED for Ünïcode user", lines);
        Assert.Equal(everything.Where(l => l.Contains("txn-4f3a9", StringComparison.Ordinal)), lines.Where(l => l.Contains("txn-4f3a9", StringComparison.Ordinal)));
        Assert.True(pruned.RowGroupsSkippedByBloom >= index.RowGroups.Count - 2, $"skipped {pruned.RowGroupsSkippedByBloom} of {index.RowGroups.Count}");
        Assert.True(pruned.BytesSkippedByBloom > 0);
        Assert.Equal(all.BytesRead, pruned.BytesRead + pruned.BytesSkippedByBloom);

        // A metadata pair that no entry has rules out every row group.
        var none = new BlockScanStatistics();
        Assert.Empty(Read(path, index, new RequiredTokens([], [Terms.HashPair("trace_id", "missing")]), none));
        Assert.Equal(index.RowGroups.Count, none.RowGroupsSkippedByBloom + none.RowGroupsRead);
        Assert.True(none.RowGroupsRead <= 1);
    }

    [Fact]
    public void SidecarWithoutBlooms_IsReadAsBefore_AndSkipsNothing()
    {
        var (index, path) = WriteNeedleBlock(0);
        Assert.Null(index.Blooms);
        // The sections are exactly the original three: the old layout, byte for byte.
        var bytes = File.ReadAllBytes(WrittenBlock.IndexPathFor(path));
        Assert.Equal(index.Serialize(), bytes);
        Assert.Equal(SectionIds(bytes), [1, 2, 3]);
        var statistics = new BlockScanStatistics();
        var lines = Read(path, index, new RequiredTokens([Terms.HashTerm("nothing-like-this")], []), statistics);
        Assert.Equal(40_000, lines.Count);
        Assert.Equal(0, statistics.RowGroupsSkippedByBloom);
    }

    [Fact]
    public void BloomsOfAnUnknownTokenVersion_AreIgnored_AndDamagedBloomsAreDetected()
    {
        var (index, _) = WriteNeedleBlock(0.01);
        var bytes = index.Serialize();
        var offset = SectionOffset(bytes, 4);
        var unknown = (byte[])bytes.Clone();
        unknown[offset] = Terms.Version + 1;
        Assert.Null(BlockIndex.Parse(Recrc(unknown)).Blooms);

        var damaged = (byte[])bytes.Clone();
        damaged[offset + 1] = 0xFF; // the row-group count becomes a varint running into the filters
        Assert.Throws<BlockCorruptException>(() => BlockIndex.Parse(Recrc(damaged)));

        var flipped = (byte[])bytes.Clone();
        flipped[offset + 40] ^= 1;
        Assert.Throws<BlockCorruptException>(() => BlockIndex.Parse(flipped)); // checksum
    }

    private static List<int> SectionIds(byte[] bytes)
    {
        var ids = new List<int>();
        var i = 12;
        while (bytes[i] != 0)
        {
            ids.Add(bytes[i]);
            i += 5 + (int)BitConverter.ToUInt32(bytes, i + 1);
        }

        return ids;
    }

    /// <summary>Offset of the payload of section <paramref name="id"/>.</summary>
    private static int SectionOffset(byte[] bytes, int id)
    {
        var i = 12;
        while (bytes[i] != id)
        {
            i += 5 + (int)BitConverter.ToUInt32(bytes, i + 1);
        }

        return i + 5;
    }

    private static byte[] Recrc(byte[] bytes)
    {
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 4), Loggia.Core.Hashing.Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }
}
