using System.Globalization;
using System.Text.Json;

namespace Loggia.Parquet.Tests.Interop;

/// <summary>Proves the DuckDB harness itself: types and values come back exactly.</summary>
public sealed class DuckDbHarnessTests
{
    [Theory]
    [InlineData("uncompressed")]
    [InlineData("snappy")]
    [InlineData("zstd")]
    [InlineData("gzip")]
    public void DuckDB_written_parquet_reads_back_exact_values_and_types(string compression)
    {
        string path = Path.Combine(Path.GetTempPath(), $"loggia-duckdb-harness-{Guid.NewGuid():N}.parquet");
        try
        {
            DuckDb.Exec($$"""
                COPY (
                    SELECT i::BIGINT AS a,
                           'x' || i AS s,
                           NULL::VARCHAR AS n,
                           make_timestamp_ns(1700000000123456789 + i * 1000000007) AS t,
                           i / 4 AS d,
                           MAP {'k': 'v' || i} AS m
                    FROM range(10) t(i)
                ) TO {{DuckDb.Literal(path)}} (FORMAT parquet, COMPRESSION {{compression}})
                """);
            Assert.True(File.Exists(path));

            DuckDbResult result = DuckDb.Query($"SELECT * FROM read_parquet({DuckDb.Literal(path)}) ORDER BY a");

            Assert.Equal(
                [("a", "BIGINT"), ("s", "VARCHAR"), ("n", "VARCHAR"), ("t", "TIMESTAMP_NS"), ("d", "DOUBLE"), ("m", "MAP(VARCHAR, VARCHAR)")],
                result.Columns);
            Assert.Equal(10, result.Rows.Count);
            for (int i = 0; i < 10; i++)
            {
                JsonElement[] row = result.Rows[i];
                Assert.Equal(i.ToString(CultureInfo.InvariantCulture), row[0].GetString());
                Assert.Equal("x" + i, row[1].GetString());
                Assert.Equal(JsonValueKind.Null, row[2].ValueKind);
                Assert.Equal((1700000000123456789L + (i * 1000000007L)).ToString(CultureInfo.InvariantCulture), row[3].GetString());
                Assert.Equal(i / 4.0, double.Parse(row[4].GetString()!, CultureInfo.InvariantCulture));
                Assert.Equal($"""[["k","v{i}"]]""", row[5].GetRawText());
            }

            DuckDbResult meta = DuckDb.Query(
                $"SELECT DISTINCT compression FROM parquet_metadata({DuckDb.Literal(path)}) WHERE path_in_schema = 'a'");
            Assert.Equal(compression.ToUpperInvariant(), meta.Scalar.GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Values_have_canonical_lossless_encodings()
    {
        DuckDbResult result = DuckDb.Query("""
            SELECT 9223372036854775807::BIGINT AS max64,
                   (-9223372036854775808)::BIGINT AS min64,
                   18446744073709551615::UBIGINT AS maxu64,
                   (-2147483648)::INTEGER AS min32,
                   0.1::DOUBLE AS tenth,
                   1e300::DOUBLE AS huge,
                   5e-324::DOUBLE AS tiny,
                   'NaN'::DOUBLE AS nan,
                   'inf'::DOUBLE AS pinf,
                   '-inf'::DOUBLE AS ninf,
                   true AS yes,
                   'héllo wörld 日本語 😀 "q" '' /' AS text,
                   '\x00\xFFab'::BLOB AS bytes,
                   MAP {'k1': 'v1', 'k2': NULL} AS map,
                   [1, NULL, 3]::BIGINT[] AS list,
                   '{"a":[1,2]}'::JSON AS json,
                   make_timestamp_ns(-1) AS before_epoch,
                   NULL::BIGINT AS nothing
            """);

        Assert.Equal(
            [
                ("max64", "BIGINT"), ("min64", "BIGINT"), ("maxu64", "UBIGINT"), ("min32", "INTEGER"),
                ("tenth", "DOUBLE"), ("huge", "DOUBLE"), ("tiny", "DOUBLE"), ("nan", "DOUBLE"), ("pinf", "DOUBLE"), ("ninf", "DOUBLE"),
                ("yes", "BOOLEAN"), ("text", "VARCHAR"), ("bytes", "BLOB"), ("map", "MAP(VARCHAR, VARCHAR)"), ("list", "BIGINT[]"),
                ("json", "JSON"), ("before_epoch", "TIMESTAMP_NS"), ("nothing", "BIGINT"),
            ],
            result.Columns);

        JsonElement[] row = Assert.Single(result.Rows);
        string Text(string column) => row[result.ColumnIndex(column)].GetString()!;
        double Double(string column) => double.Parse(Text(column), CultureInfo.InvariantCulture);

        Assert.Equal(long.MaxValue, long.Parse(Text("max64"), CultureInfo.InvariantCulture));
        Assert.Equal(long.MinValue, long.Parse(Text("min64"), CultureInfo.InvariantCulture));
        Assert.Equal(ulong.MaxValue, ulong.Parse(Text("maxu64"), CultureInfo.InvariantCulture));
        Assert.Equal("-2147483648", Text("min32"));
        Assert.Equal("0.1", Text("tenth"));
        Assert.Equal(1e300, Double("huge"));
        Assert.Equal(double.Epsilon, Double("tiny"));
        Assert.Equal("NaN", Text("nan"));
        Assert.Equal("Infinity", Text("pinf"));
        Assert.Equal("-Infinity", Text("ninf"));
        Assert.Equal(double.PositiveInfinity, Double("pinf"));
        Assert.Equal(double.NegativeInfinity, Double("ninf"));
        Assert.True(row[result.ColumnIndex("yes")].GetBoolean());
        Assert.Equal("héllo wörld 日本語 😀 \"q\" ' /", Text("text"));
        Assert.Equal(new byte[] { 0x00, 0xFF, (byte)'a', (byte)'b' }, row[result.ColumnIndex("bytes")].GetProperty("base64").GetBytesFromBase64());
        Assert.Equal("""[["k1","v1"],["k2",null]]""", row[result.ColumnIndex("map")].GetRawText());
        Assert.Equal("""["1",null,"3"]""", row[result.ColumnIndex("list")].GetRawText());
        Assert.Equal("""{"a":[1,2]}""", Text("json"));
        Assert.Equal("-1", Text("before_epoch"));
        Assert.Equal(JsonValueKind.Null, row[result.ColumnIndex("nothing")].ValueKind);
    }

    [Fact]
    public void Streams_many_rows_and_reports_errors_with_DuckDB_message()
    {
        DuckDbResult many = DuckDb.Query("SELECT i FROM range(100000) t(i)");
        Assert.Equal(100_000, many.Rows.Count);
        Assert.Equal("99999", many.Rows[^1][0].GetString());

        var e = Assert.Throws<InvalidOperationException>(() => DuckDb.Query("SELECT * FROM no_such_table"));
        Assert.Contains("no_such_table", e.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 1", e.Message, StringComparison.Ordinal);
    }
}
