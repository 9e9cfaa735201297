using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Reading;
using Loggia.Parquet.Schema;
using Loggia.Parquet.Writing;

namespace Loggia.Parquet.Tests;

public sealed class RoundTripTests
{
    internal static byte[] Write(TestTable table, ParquetWriterOptions options, int batchSize = 1000)
    {
        using var stream = new MemoryStream();
        using (var writer = new ParquetWriter(stream, table.Schema, options, leaveOpen: true))
        {
            var batch = new RowBatch(table.Schema);
            for (var start = 0; start < table.Rows.Count; start += batchSize)
            {
                var count = Math.Min(batchSize, table.Rows.Count - start);
                table.Fill(batch, start, count);
                writer.Write(batch);
            }
        }

        return stream.ToArray();
    }

    internal static void AssertReadsBack(TestTable table, byte[] file)
    {
        using var reader = ParquetReader.Open(file);
        Assert.Equal(table.Rows.Count, reader.RowCount);
        Assert.Equal(table.Schema.Columns, reader.Schema.Columns.Select(c => c with { Encoding = ColumnEncoding.Auto }).ToList(),
            EqualityComparer<ParquetColumn>.Create((a, b) => a!.Name == b!.Name && a.Type == b.Type && a.Nullable == b.Nullable));
        var batch = new RowBatch(reader.Schema);
        var row = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            reader.ReadRowGroup(g, batch);
            for (var r = 0; r < batch.RowCount; r++, row++)
            {
                for (var c = 0; c < table.Schema.Columns.Count; c++)
                {
                    TestTable.AssertSame(table.Rows[row][c], TestTable.ValueAt(batch, c, r), $"row {row} column {table.Schema.Columns[c].Name}");
                }
            }
        }

        Assert.Equal(table.Rows.Count, row);
    }

    [Theory]
    [InlineData(CompressionCodec.Uncompressed)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Zstd)]
    public void EveryColumnType_RoundTrips_WithEveryCodec(CompressionCodec codec)
    {
        var table = TestTable.Generate(5000, seed: 1);
        var file = Write(table, new ParquetWriterOptions { Compression = codec });
        AssertReadsBack(table, file);
    }

    [Theory]
    [InlineData(ColumnEncoding.Plain)]
    [InlineData(ColumnEncoding.Dictionary)]
    [InlineData(ColumnEncoding.Delta)]
    [InlineData(ColumnEncoding.Auto)]
    public void EveryEncoding_RoundTrips(ColumnEncoding encoding)
    {
        var table = TestTable.Generate(3000, seed: 2, encoding);
        var file = Write(table, new ParquetWriterOptions { Compression = CompressionCodec.Snappy });
        AssertReadsBack(table, file);
        using var reader = ParquetReader.Open(file);
        var encodings = reader.Metadata.RowGroups[0].Columns[reader.Schema.FirstLeafOfColumn[reader.Schema.IndexOf("i64")]].MetaData!.Encodings;
        var expected = encoding switch
        {
            ColumnEncoding.Plain => Encoding.Plain,
            ColumnEncoding.Delta => Encoding.DeltaBinaryPacked,
            _ => Encoding.RleDictionary,
        };
        Assert.Contains(expected, encodings);
    }

    [Fact]
    public void SmallPagesAndRowGroups_SplitTheFile_AndStillRoundTrip()
    {
        var table = TestTable.Generate(20_000, seed: 3);
        var options = new ParquetWriterOptions { PageSizeBytes = 4096, MaxRowsPerPage = 700, MaxRowsPerRowGroup = 6000, Compression = CompressionCodec.Zstd };
        var file = Write(table, options, batchSize: 2500);
        using var reader = ParquetReader.Open(file);
        Assert.Equal(4, reader.RowGroupCount);
        Assert.Equal([6000L, 6000L, 6000L, 2000L], Enumerable.Range(0, 4).Select(reader.GetRowGroupRowCount));
        var offsetIndex = reader.ReadOffsetIndex(0, 0);
        Assert.NotNull(offsetIndex);
        Assert.True(offsetIndex.PageLocations.Count >= 9, $"expected many pages, got {offsetIndex.PageLocations.Count}");
        AssertReadsBack(table, file);
    }

    [Fact]
    public void DictionaryThatOutgrowsItsLimit_FallsBackToPlain_AndRoundTrips()
    {
        var schema = new ParquetSchema(new ParquetColumn("s", ParquetColumnType.String, Encoding: ColumnEncoding.Dictionary));
        var rows = Enumerable.Range(0, 50_000).Select(i => new object?[] { $"distinct value number {i} " + new string('x', i % 50) }).ToList();
        var table = new TestTable(schema, rows);
        var file = Write(table, new ParquetWriterOptions { DictionaryPageSizeLimit = 64 * 1024 });
        using var reader = ParquetReader.Open(file);
        var encodings = reader.Metadata.RowGroups[0].Columns[0].MetaData!.Encodings;
        Assert.Contains(Encoding.RleDictionary, encodings);
        Assert.Contains(Encoding.Plain, encodings);
        AssertReadsBack(table, file);
    }

    [Fact]
    public void LargeValues_OfOneMegabyte_RoundTrip_WithTruncatedButValidStatistics()
    {
        var schema = new ParquetSchema(new ParquetColumn("big", ParquetColumnType.String, Nullable: true));
        var random = new Random(4);
        var rows = new List<object?[]>();
        for (var i = 0; i < 12; i++)
        {
            var chars = new char[1024 * 1024];
            for (var k = 0; k < chars.Length; k++)
            {
                chars[k] = (char)('a' + random.Next(26));
            }

            rows.Add([i == 5 ? null : new string(chars)]);
        }

        var table = new TestTable(schema, rows);
        var file = Write(table, new ParquetWriterOptions { Compression = CompressionCodec.Zstd }, batchSize: 5);
        AssertReadsBack(table, file);
        using var reader = ParquetReader.Open(file);
        var statistics = reader.GetStatistics(0, 0)!;
        Assert.True(statistics.Min!.Length <= 4096 && statistics.Max!.Length <= 4096);
        foreach (var row in rows)
        {
            if (row[0] is string s)
            {
                Assert.True(statistics.MayContain(System.Text.Encoding.UTF8.GetBytes(s)), "truncated bounds must still contain every value");
            }
        }
    }

    [Fact]
    public void Statistics_HoldTheTrueBounds_ForNumbersAndStrings()
    {
        var table = TestTable.Generate(4000, seed: 5);
        var file = Write(table, new ParquetWriterOptions());
        using var reader = ParquetReader.Open(file);
        var ts = reader.Schema.IndexOf("ts");
        Assert.True(reader.GetStatistics(0, ts)!.TryGetInt64Range(out var min, out var max));
        Assert.Equal(table.Rows.Min(r => (long)r[ts]!), min);
        Assert.Equal(table.Rows.Max(r => (long)r[ts]!), max);
        var i32 = reader.Schema.IndexOf("i32");
        var i32Stats = reader.GetStatistics(0, i32)!;
        Assert.Equal(table.Rows.Count(r => r[i32] is null), i32Stats.NullCount);
        Assert.True(i32Stats.TryGetInt32Range(out var minInt, out var maxInt));
        Assert.Equal(table.Rows.Where(r => r[i32] is not null).Min(r => (int)r[i32]!), minInt);
        Assert.Equal(table.Rows.Where(r => r[i32] is not null).Max(r => (int)r[i32]!), maxInt);
        var word = reader.Schema.IndexOf("word");
        var words = table.Rows.Where(r => r[word] is not null).Select(r => System.Text.Encoding.UTF8.GetBytes((string)r[word]!)).ToList();
        var wordStats = reader.GetStatistics(0, word)!;
        Assert.Equal(words.Min(ByteComparer.Instance), wordStats.Min);
        Assert.Equal(words.Max(ByteComparer.Instance), wordStats.Max);
    }

    [Fact]
    public void Projection_ReadsOnlyTheRequestedColumns()
    {
        var table = TestTable.Generate(2000, seed: 6);
        var file = Write(table, new ParquetWriterOptions());
        using var reader = ParquetReader.Open(file);
        var batch = new RowBatch(reader.Schema);
        var line = reader.Schema.IndexOf("line");
        var labels = reader.Schema.IndexOf("labels");
        reader.ReadRowGroup(0, batch, [line, labels]);
        Assert.Equal(2000, batch[line].Count);
        Assert.Equal(2000, batch[labels].Count);
        Assert.Equal(0, batch[reader.Schema.IndexOf("i64")].Count);
        for (var r = 0; r < 2000; r++)
        {
            TestTable.AssertSame(table.Rows[r][line], TestTable.ValueAt(batch, line, r), $"row {r}");
            TestTable.AssertSame(table.Rows[r][labels], TestTable.ValueAt(batch, labels, r), $"row {r}");
        }
    }

    [Fact]
    public void RowSelection_ReturnsExactlyTheSelectedRows_InEveryColumn()
    {
        var table = TestTable.Generate(10_000, seed: 7);
        var file = Write(table, new ParquetWriterOptions { MaxRowsPerPage = 500, PageSizeBytes = 8192 });
        using var reader = ParquetReader.Open(file);
        var selection = new RowSelection();
        selection.Add(10, 20);
        selection.Add(499, 501);
        selection.Add(4321, 6789);
        selection.Add(9999, 10_000);
        var batch = new RowBatch(reader.Schema);
        reader.ReadRowGroup(0, batch, null, selection);
        var expectedRows = selection.Ranges.SelectMany(r => Enumerable.Range((int)r.Start, (int)(r.End - r.Start))).ToList();
        Assert.Equal(expectedRows.Count, batch.RowCount);
        for (var i = 0; i < expectedRows.Count; i++)
        {
            for (var c = 0; c < table.Schema.Columns.Count; c++)
            {
                TestTable.AssertSame(table.Rows[expectedRows[i]][c], TestTable.ValueAt(batch, c, i), $"selected row {expectedRows[i]} column {c}");
            }
        }
    }

    [Fact]
    public void PageIndex_PrunesPagesByTimestamp_AndTheSelectionHoldsEveryMatchingRow()
    {
        var table = TestTable.Generate(30_000, seed: 8);
        var file = Write(table, new ParquetWriterOptions { MaxRowsPerPage = 1000 });
        using var reader = ParquetReader.Open(file);
        var ts = reader.Schema.IndexOf("ts");
        var leaf = reader.Schema.FirstLeafOfColumn[ts];
        var columnIndex = reader.ReadColumnIndex(0, leaf)!;
        Assert.Equal(BoundaryOrder.Ascending, columnIndex.BoundaryOrder);
        var low = (long)table.Rows[12_345][ts]!;
        var high = (long)table.Rows[12_400][ts]!;
        var selection = PagePruning.SelectInt64Range(columnIndex, reader.ReadOffsetIndex(0, leaf)!, reader.GetRowGroupRowCount(0), low, high);
        Assert.InRange(selection.RowCount, 56, 2000);
        var batch = new RowBatch(reader.Schema);
        reader.ReadRowGroup(0, batch, [ts], selection);
        var matches = Enumerable.Range(0, batch.RowCount).Select(r => batch.Int64s(ts)[r]).Count(v => v >= low && v <= high);
        Assert.Equal(table.Rows.Count(r => (long)r[ts]! >= low && (long)r[ts]! <= high), matches);
    }

    [Fact]
    public void ColumnsWithoutAnyValue_AllNullOrAllEmpty_RoundTrip()
    {
        var schema = new ParquetSchema(
            new ParquetColumn("empty_maps", ParquetColumnType.StringMap),
            new ParquetColumn("null_maps", ParquetColumnType.StringMap, Nullable: true),
            new ParquetColumn("null_strings", ParquetColumnType.String, Nullable: true),
            new ParquetColumn("null_longs", ParquetColumnType.Int64, Nullable: true));
        var rows = Enumerable.Range(0, 3000).Select(_ => new object?[] { new List<KeyValuePair<string, string>>(), null, null, null }).ToList();
        var table = new TestTable(schema, rows);
        AssertReadsBack(table, Write(table, new ParquetWriterOptions { MaxRowsPerPage = 1000 }));
    }

    [Fact]
    public void RowSelectionIntersection_KeepsOnlyRowsInBoth()
    {
        var a = new RowSelection();
        a.Add(0, 10);
        a.Add(20, 30);
        a.Add(40, 50);
        var b = new RowSelection();
        b.Add(5, 25);
        b.Add(45, 100);
        var both = a.Intersect(b);
        Assert.Equal([(5L, 10L), (20L, 25L), (45L, 50L)], both.Ranges);
        Assert.Equal(15, both.RowCount);
        Assert.Equal(0, a.Intersect(new RowSelection()).RowCount);
    }

    [Fact]
    public void KeyValueMetadata_AndCreatedBy_AreStoredInTheFooter()
    {
        var table = TestTable.Generate(10, seed: 9);
        var file = Write(table, new ParquetWriterOptions { Metadata = new Dictionary<string, string> { ["loggia.tenant"] = "acme", ["empty"] = "" } });
        using var reader = ParquetReader.Open(file);
        Assert.Equal("acme", reader.KeyValueMetadata["loggia.tenant"]);
        Assert.Equal("", reader.KeyValueMetadata["empty"]);
        Assert.StartsWith("loggia-parquet", reader.Metadata.CreatedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_HasSchemaAndNoRows()
    {
        var table = TestTable.Generate(0, seed: 10);
        var file = Write(table, new ParquetWriterOptions());
        using var reader = ParquetReader.Open(file);
        Assert.Equal(0, reader.RowCount);
        Assert.Equal(0, reader.RowGroupCount);
        Assert.Equal(table.Schema.Columns.Select(c => c.Name), reader.Schema.Columns.Select(c => c.Name));
    }

    [Fact]
    public void NullInRequiredColumn_IsRejectedWithAClearError()
    {
        var schema = new ParquetSchema(new ParquetColumn("a", ParquetColumnType.Int64));
        var batch = new RowBatch(schema);
        batch.Int64s(0).AppendNull();
        using var writer = new ParquetWriter(new MemoryStream(), schema);
        var error = Assert.Throws<ArgumentException>(() => writer.Write(batch));
        Assert.Contains("'a' is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnsOfUnequalLength_AreRejected()
    {
        var schema = new ParquetSchema(new ParquetColumn("a", ParquetColumnType.Int64), new ParquetColumn("b", ParquetColumnType.String));
        var batch = new RowBatch(schema);
        batch.Int64s(0).Append(1);
        using var writer = new ParquetWriter(new MemoryStream(), schema);
        Assert.Throws<ArgumentException>(() => writer.Write(batch));
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
