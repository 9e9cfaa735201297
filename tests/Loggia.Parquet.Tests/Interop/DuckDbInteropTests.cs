using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Encoding = System.Text.Encoding;
using System.Text.Json;
using Loggia.Parquet.Data;
using Loggia.Parquet.Format;
using Loggia.Parquet.Reading;
using Loggia.Parquet.Schema;
using Loggia.Parquet.Writing;

namespace Loggia.Parquet.Tests.Interop;

/// <summary>
/// Loggia.Parquet against an independent implementation: DuckDB reads what we write, and we read
/// what DuckDB writes, value for value.
/// </summary>
public sealed class DuckDbInteropTests
{
    private static readonly Dictionary<string, string> ExpectedDuckDbTypes = new()
    {
        ["ts"] = "TIMESTAMP WITH TIME ZONE",
        ["i64"] = "BIGINT",
        ["i32"] = "INTEGER",
        ["f64"] = "DOUBLE",
        ["flag"] = "BOOLEAN",
        ["line"] = "VARCHAR",
        ["word"] = "VARCHAR",
        ["blob"] = "BLOB",
        ["doc"] = "JSON",
        ["labels"] = "MAP(VARCHAR, VARCHAR)",
        ["meta"] = "MAP(VARCHAR, VARCHAR)",
    };

    private static string Sql(string path) => path.Replace("'", "''", StringComparison.Ordinal);

    [Theory]
    [InlineData(CompressionCodec.Uncompressed)]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Gzip)]
    [InlineData(CompressionCodec.Zstd)]
    public void LoggiaFile_IsReadByDuckDb_WithIdenticalValuesTypesAndRowCount(CompressionCodec codec)
    {
        using var directory = new TempDirectory();
        var path = directory.File($"ours-{codec}.parquet");
        var table = TestTable.Generate(4000, seed: 31);
        File.WriteAllBytes(path, RoundTripTests.Write(table, new ParquetWriterOptions { Compression = codec, MaxRowsPerPage = 700, MaxRowsPerRowGroup = 1500 }));

        var result = DuckDb.Query($"SELECT * FROM read_parquet('{Sql(path)}')");
        Assert.Equal(table.Schema.Columns.Select(c => c.Name), result.Columns.Select(c => c.Name));
        foreach (var column in result.Columns)
        {
            Assert.Equal(ExpectedDuckDbTypes[column.Name], column.Type);
        }

        Assert.Equal(table.Rows.Count, result.Rows.Count);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            for (var c = 0; c < table.Schema.Columns.Count; c++)
            {
                var expected = table.Rows[r][c];
                if (table.Schema.Columns[c].Type == ParquetColumnType.TimestampNanos)
                {
                    // DuckDB reads UTC-adjusted nanosecond timestamps as TIMESTAMPTZ (microseconds): see ADR 0002.
                    expected = (long)expected! / 1000;
                }

                AssertCell(expected, result.Rows[r][c], $"row {r} column {table.Schema.Columns[c].Name}");
            }
        }
    }

    [Fact]
    public void NanosecondTimestamps_NotAdjustedToUtc_AreReadByDuckDbToTheNanosecond()
    {
        using var directory = new TempDirectory();
        var path = directory.File("ns.parquet");
        var schema = new ParquetSchema(new ParquetColumn("ts", ParquetColumnType.TimestampNanos, TimestampIsAdjustedToUtc: false));
        var values = new long[] { 1_700_000_000_123_456_789, 0, -1, 1, long.MaxValue / 2, 1_700_000_000_123_456_790 };
        var table = new TestTable(schema, values.Select(v => new object?[] { v }).ToList());
        File.WriteAllBytes(path, RoundTripTests.Write(table, new ParquetWriterOptions()));
        var result = DuckDb.Query($"SELECT ts, epoch_ns(ts) AS ns FROM read_parquet('{Sql(path)}')");
        Assert.Equal("TIMESTAMP_NS", result.Columns[0].Type);
        for (var i = 0; i < values.Length; i++)
        {
            AssertCell(values[i], result.Rows[i][0], $"row {i}");
            AssertCell(values[i], result.Rows[i][1], $"row {i} epoch_ns");
        }
    }

    [Fact]
    public void OneMegabyteValues_AreReadByDuckDbIntact()
    {
        using var directory = new TempDirectory();
        var path = directory.File("big.parquet");
        var schema = new ParquetSchema(new ParquetColumn("id", ParquetColumnType.Int32), new ParquetColumn("big", ParquetColumnType.String, Nullable: true));
        var random = new Random(32);
        var rows = new List<object?[]>();
        for (var i = 0; i < 6; i++)
        {
            var text = new StringBuilder(1024 * 1024);
            while (text.Length < 1024 * 1024)
            {
                text.Append(TestTable.Words[random.Next(TestTable.Words.Length)]).Append(random.Next());
            }

            rows.Add([i, i == 3 ? null : text.ToString()]);
        }

        File.WriteAllBytes(path, RoundTripTests.Write(new TestTable(schema, rows), new ParquetWriterOptions { Compression = CompressionCodec.Zstd }, batchSize: 4));
        var result = DuckDb.Query($"SELECT id, strlen(big) AS bytes, sha256(big) AS digest FROM read_parquet('{Sql(path)}') ORDER BY id");
        Assert.Equal(rows.Count, result.Rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var text = (string?)rows[i][1];
            AssertCell(text is null ? null : (long)Encoding.UTF8.GetByteCount(text), result.Rows[i][1], $"row {i} length");
            AssertCell(text is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), result.Rows[i][2], $"row {i} sha256");
        }
    }

    [Fact]
    public void MillionRowFile_IsReadByDuckDb_WithIdenticalAggregatesAndSampledRows()
    {
        using var directory = new TempDirectory();
        var path = directory.File("million.parquet");
        var schema = new ParquetSchema(
            new ParquetColumn("ts", ParquetColumnType.TimestampNanos, TimestampIsAdjustedToUtc: false),
            new ParquetColumn("n", ParquetColumnType.Int64),
            new ParquetColumn("line", ParquetColumnType.String),
            new ParquetColumn("labels", ParquetColumnType.StringMap));
        const int rows = 1_000_000;
        var random = new Random(33);
        long sumN = 0, lineBytes = 0, xorN = 0;
        var lines = new string[rows];
        var ns = new long[rows];
        var ts = 1_750_000_000_000_000_000L;
        using (var stream = File.Create(path))
        using (var writer = new ParquetWriter(stream, schema, new ParquetWriterOptions { Compression = CompressionCodec.Zstd, CompressionLevel = 1 }))
        {
            var batch = new RowBatch(schema, 10_000);
            for (var i = 0; i < rows; i++)
            {
                ts += random.Next(1, 1_000_000);
                var n = random.NextInt64();
                var line = $"{i} GET /api/v1/items/{random.Next(100_000)} status={200 + (random.Next(4) * 100)} {TestTable.Words[i % TestTable.Words.Length]}";
                ns[i] = n;
                lines[i] = line;
                sumN = unchecked(sumN + (n % 1000));
                xorN ^= n;
                lineBytes += Encoding.UTF8.GetByteCount(line);
                batch.Int64s(0).Append(ts);
                batch.Int64s(1).Append(n);
                batch.Binaries(2).Append(line);
                batch.Maps(3).AddEntry("app", "app-" + (i % 13));
                batch.Maps(3).EndRow();
                if (batch.RowCount == 10_000)
                {
                    writer.Write(batch);
                    batch.Clear();
                }
            }
        }

        var aggregates = DuckDb.Query(
            $"SELECT count(*), sum(n % 1000), bit_xor(n), sum(strlen(line)), count(DISTINCT labels['app']) FROM read_parquet('{Sql(path)}')");
        var row = aggregates.Rows.Single();
        AssertCell((long)rows, row[0], "count");
        AssertCell(sumN, row[1], "sum");
        AssertCell(xorN, row[2], "bit_xor");
        AssertCell(lineBytes, row[3], "line bytes");
        AssertCell(13L, row[4], "distinct apps");

        var sample = Enumerable.Range(0, 50).Select(_ => random.Next(rows)).Distinct().Order().ToList();
        var sampled = DuckDb.Query(
            $"SELECT file_row_number, n, line FROM read_parquet('{Sql(path)}', file_row_number = true) WHERE file_row_number IN ({string.Join(',', sample)}) ORDER BY file_row_number");
        Assert.Equal(sample.Count, sampled.Rows.Count);
        for (var i = 0; i < sample.Count; i++)
        {
            AssertCell((long)sample[i], sampled.Rows[i][0], "row number");
            AssertCell(ns[sample[i]], sampled.Rows[i][1], $"row {sample[i]} n");
            AssertCell(lines[sample[i]], sampled.Rows[i][2], $"row {sample[i]} line");
        }
    }

    public static TheoryData<string, string> DuckDbWriteSettings() => new()
    {
        { "uncompressed", "V1" },
        { "snappy", "V1" },
        { "gzip", "V1" },
        { "zstd", "V1" },
        { "zstd", "V2" },
        { "snappy", "V2" },
    };

    [Theory]
    [MemberData(nameof(DuckDbWriteSettings))]
    public void DuckDbFile_IsReadBackIdentically(string compression, string parquetVersion)
    {
        using var directory = new TempDirectory();
        var path = directory.File($"duck-{compression}-{parquetVersion}.parquet");
        const string select = """
            SELECT
              i::BIGINT AS id,
              CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 2654435761) % 100000 - 50000 END::INTEGER AS small,
              CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0 END::DOUBLE AS ratio,
              CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
              CASE WHEN i % 13 = 0 THEN NULL WHEN i % 13 = 1 THEN '' ELSE 'value ' || (i % 50) || ' ü 日本 🚀' END AS text,
              'unique line number ' || i || ' with some text ' || md5(i::VARCHAR) AS line,
              CASE WHEN i % 17 = 0 THEN NULL ELSE ('\x00\xFF' || i)::BLOB END AS raw,
              make_timestamp_ns(1700000000123456789 + i * 1000003) AS ts,
              CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN MAP {} ELSE MAP {'app': 'a' || (i % 4), 'pod': 'p' || i} END::MAP(VARCHAR, VARCHAR) AS labels,
              CASE WHEN i % 19 = 0 THEN NULL ELSE json_object('i', i, 's', 'x' || i) END AS doc
            FROM range(30000) t(i)
            """;
        DuckDb.Exec($"COPY ({select}) TO '{Sql(path)}' (FORMAT parquet, COMPRESSION {compression}, PARQUET_VERSION {parquetVersion}, ROW_GROUP_SIZE 10000)");
        var expected = DuckDb.Query($"SELECT * FROM read_parquet('{Sql(path)}')");

        using var reader = ParquetReader.Open(path);
        Assert.Empty(reader.Schema.UnsupportedColumns);
        Assert.Equal(expected.Columns.Select(c => c.Name), reader.Schema.Columns.Select(c => c.Name));
        Assert.Equal(
            [ParquetColumnType.Int64, ParquetColumnType.Int32, ParquetColumnType.Double, ParquetColumnType.Boolean, ParquetColumnType.String,
             ParquetColumnType.String, ParquetColumnType.Binary, ParquetColumnType.TimestampNanos, ParquetColumnType.StringMap, ParquetColumnType.Json],
            reader.Schema.Columns.Select(c => c.Type));
        Assert.True(reader.RowGroupCount >= 3, $"expected several row groups, got {reader.RowGroupCount}");
        var batch = new RowBatch(reader.Schema);
        var row = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            reader.ReadRowGroup(g, batch);
            for (var r = 0; r < batch.RowCount; r++, row++)
            {
                for (var c = 0; c < reader.Schema.Columns.Count; c++)
                {
                    AssertCell(TestTable.ValueAt(batch, c, r), expected.Rows[row][c], $"row {row} column {reader.Schema.Columns[c].Name}");
                }
            }
        }

        Assert.Equal(expected.Rows.Count, row);
    }

    /// <summary>Compares a .NET value with DuckDB's canonical JSON encoding of the same value.</summary>
    private static void AssertCell(object? expected, JsonElement actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual.ValueKind == JsonValueKind.Null, $"{where}: expected NULL, DuckDB has {actual}");
                break;
            case long or int:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{where}: expected a number, DuckDB has {actual}");
                Assert.Equal(Convert.ToString(expected, CultureInfo.InvariantCulture), actual.GetString());
                break;
            case double d:
                var parsed = double.Parse(actual.GetString()!, CultureInfo.InvariantCulture);
                Assert.True(BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(parsed) || (double.IsNaN(d) && double.IsNaN(parsed)),
                    $"{where}: expected {d.ToString("R", CultureInfo.InvariantCulture)}, DuckDB has {actual}");
                break;
            case bool b:
                Assert.True(actual.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False), $"{where}: expected {b}, DuckDB has {actual}");
                break;
            case string s:
                Assert.True(actual.ValueKind == JsonValueKind.String && actual.GetString() == s, $"{where}: expected \"{s}\", DuckDB has {actual}");
                break;
            case byte[] bytes:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{where}: expected a blob, DuckDB has {actual}");
                Assert.Equal(Convert.ToBase64String(bytes), actual.GetProperty("base64").GetString());
                break;
            case List<KeyValuePair<string, string>> map:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{where}: expected a map, DuckDB has {actual}");
                var entries = actual.EnumerateArray().Select(e => new KeyValuePair<string, string>(e[0].GetString()!, e[1].GetString()!)).ToList();
                Assert.Equal(map, entries);
                break;
            default:
                throw new InvalidOperationException($"{where}: no comparison for {expected.GetType()}");
        }
    }
}
