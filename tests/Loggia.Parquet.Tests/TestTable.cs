using System.Text;
using Loggia.Parquet.Data;
using Loggia.Parquet.Schema;

namespace Loggia.Parquet.Tests;

/// <summary>
/// A reproducible table covering every column type the library writes, with nulls, empty strings,
/// unicode, repeated values (dictionary) and distinct values (fallback), and the expected rows as
/// plain .NET values for comparison.
/// </summary>
internal sealed class TestTable
{
    public static readonly string[] Words = ["alpha", "beta", "", "γάμμα", "日本語", "emoji 🚀", "tab\tand\nnewline", "quote\"s", "z"];

    public TestTable(ParquetSchema schema, List<object?[]> rows)
    {
        Schema = schema;
        Rows = rows;
    }

    public ParquetSchema Schema { get; }

    public List<object?[]> Rows { get; }

    public static ParquetSchema AllTypesSchema(ColumnEncoding encoding = ColumnEncoding.Auto) => new(
        new ParquetColumn("ts", ParquetColumnType.TimestampNanos, Encoding: encoding == ColumnEncoding.Dictionary ? ColumnEncoding.Auto : encoding),
        new ParquetColumn("i64", ParquetColumnType.Int64, Encoding: encoding),
        new ParquetColumn("i32", ParquetColumnType.Int32, Nullable: true, Encoding: encoding),
        new ParquetColumn("f64", ParquetColumnType.Double, Nullable: true, Encoding: encoding == ColumnEncoding.Delta ? ColumnEncoding.Auto : encoding),
        new ParquetColumn("flag", ParquetColumnType.Boolean, Nullable: true, Encoding: encoding is ColumnEncoding.Delta or ColumnEncoding.Dictionary ? ColumnEncoding.Auto : encoding),
        new ParquetColumn("line", ParquetColumnType.String, Encoding: encoding),
        new ParquetColumn("word", ParquetColumnType.String, Nullable: true, Encoding: encoding),
        new ParquetColumn("blob", ParquetColumnType.Binary, Nullable: true, Encoding: encoding),
        new ParquetColumn("doc", ParquetColumnType.Json, Nullable: true, Encoding: encoding),
        new ParquetColumn("labels", ParquetColumnType.StringMap),
        new ParquetColumn("meta", ParquetColumnType.StringMap, Nullable: true));

    public static TestTable Generate(int rowCount, int seed, ColumnEncoding encoding = ColumnEncoding.Auto)
    {
        var random = new Random(seed);
        var rows = new List<object?[]>(rowCount);
        var ts = 1_700_000_000_000_000_000L;
        for (var i = 0; i < rowCount; i++)
        {
            ts += random.Next(0, 5_000_000);
            var labels = new List<KeyValuePair<string, string>>
            {
                new("app", "app-" + (i % 7)),
                new("env", i % 3 == 0 ? "prod" : "dev"),
            };
            List<KeyValuePair<string, string>>? meta = (i % 5) switch
            {
                0 => null,
                1 => [],
                _ => [new("trace_id", random.NextInt64().ToString("x16")), new("user", Words[i % Words.Length])],
            };
            rows.Add(
            [
                ts,
                i % 4 == 0 ? long.MinValue + i : i % 4 == 1 ? long.MaxValue - i : random.NextInt64(-1000, 1000),
                i % 6 == 0 ? null : (int?)(i % 2 == 0 ? int.MinValue + i : random.Next()),
                i % 9 == 0 ? null : (i % 13) switch { 0 => double.NaN, 1 => -0.0, 2 => double.PositiveInfinity, _ => random.NextDouble() * 1e6 },
                i % 7 == 0 ? null : (bool?)(random.Next(2) == 1),
                $"{i} level=info msg=\"request {random.Next(100000)} done\" {Words[i % Words.Length]}",
                i % 8 == 0 ? null : Words[random.Next(Words.Length)],
                i % 10 == 0 ? null : RandomBytes(random, random.Next(0, 40)),
                i % 11 == 0 ? null : $"{{\"i\":{i},\"w\":\"{Words[i % 2]}\"}}",
                labels,
                meta,
            ]);
        }

        return new TestTable(AllTypesSchema(encoding), rows);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Fills <paramref name="batch"/> with rows [start, start+count).</summary>
    public void Fill(RowBatch batch, int start, int count)
    {
        batch.Clear();
        for (var r = start; r < start + count; r++)
        {
            var row = Rows[r];
            for (var c = 0; c < Schema.Columns.Count; c++)
            {
                AppendValue(batch[c], row[c]);
            }
        }
    }

    public static void AppendValue(ColumnVector vector, object? value)
    {
        if (value is null)
        {
            vector.AppendNull();
            return;
        }

        switch (vector)
        {
            case PrimitiveVector<long> longs: longs.Append((long)value); break;
            case PrimitiveVector<int> ints: ints.Append((int)value); break;
            case PrimitiveVector<double> doubles: doubles.Append((double)value); break;
            case PrimitiveVector<bool> booleans: booleans.Append((bool)value); break;
            case BinaryVector binary when value is string text: binary.Append(text); break;
            case BinaryVector binary: binary.Append((byte[])value); break;
            case MapVector map:
                foreach (var pair in (List<KeyValuePair<string, string>>)value)
                {
                    map.AddEntry(pair.Key, pair.Value);
                }

                map.EndRow();
                break;
            default: throw new InvalidOperationException("unexpected vector");
        }
    }

    /// <summary>Reads row <paramref name="row"/> of column <paramref name="column"/> of <paramref name="batch"/> back as a plain value.</summary>
    public static object? ValueAt(RowBatch batch, int column, int row)
    {
        var vector = batch[column];
        if (vector.IsNull(row))
        {
            return null;
        }

        return vector switch
        {
            PrimitiveVector<long> longs => longs[row],
            PrimitiveVector<int> ints => ints[row],
            PrimitiveVector<double> doubles => doubles[row],
            PrimitiveVector<bool> booleans => booleans[row],
            BinaryVector binary when batch.Schema.Columns[column].Type == ParquetColumnType.Binary => binary[row].ToArray(),
            BinaryVector binary => Encoding.UTF8.GetString(binary[row]),
            MapVector map => MapEntries(map, row),
            _ => throw new InvalidOperationException("unexpected vector"),
        };
    }

    private static List<KeyValuePair<string, string>> MapEntries(MapVector map, int row)
    {
        var entries = new List<KeyValuePair<string, string>>();
        for (var e = map.EntryOffsets[row]; e < map.EntryOffsets[row + 1]; e++)
        {
            entries.Add(new(map.Keys.GetString(e), map.Values.GetString(e)));
        }

        return entries;
    }

    /// <summary>Asserts that a value read back equals the value written (NaN equals NaN; -0.0 keeps its sign).</summary>
    public static void AssertSame(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{where}: expected null, got {actual}");
                break;
            case double d:
                Assert.True(actual is double a && BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(d), $"{where}: expected {d}, got {actual}");
                break;
            case byte[] bytes:
                Assert.True(actual is byte[] b && b.AsSpan().SequenceEqual(bytes), $"{where}: bytes differ");
                break;
            case List<KeyValuePair<string, string>> map:
                var actualMap = Assert.IsType<List<KeyValuePair<string, string>>>(actual);
                Assert.Equal(map, actualMap);
                break;
            default:
                Assert.True(Equals(expected, actual), $"{where}: expected {expected}, got {actual}");
                break;
        }
    }
}
