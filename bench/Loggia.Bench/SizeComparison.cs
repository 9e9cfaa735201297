using System.Diagnostics;
using System.Globalization;
using Loggia.Parquet.Format;

namespace Loggia.Bench;

/// <summary>
/// Writes the benchmark table with Loggia.Parquet and has DuckDB rewrite the same rows with the
/// same codec and level, then prints both file sizes and their ratio. Needs the interop harness
/// (<c>npm install --prefix tests/interop</c>).
/// </summary>
internal static class SizeComparison
{
    public static int Run()
    {
        var table = LogTable.Generate(ParquetBenchmarks.TableRows);
        var directory = Directory.CreateTempSubdirectory("loggia-size-");
        try
        {
            Console.WriteLine($"table: {table.Rows:N0} rows, {table.LineBytes / 1e6:F1} MB of line text ({(double)table.LineBytes / table.Rows:F0} bytes/line)");
            Console.WriteLine("codec      level  loggia bytes   duckdb bytes   loggia/duckdb");
            foreach (var (codec, level, duckCodec) in new[] { (CompressionCodec.Zstd, 1, "zstd"), (CompressionCodec.Zstd, 3, "zstd"), (CompressionCodec.Snappy, 0, "snappy") })
            {
                var ours = Path.Combine(directory.FullName, $"loggia-{duckCodec}-{level}.parquet");
                using (var stream = ParquetBenchmarks.WriteTable(table, level, new MemoryStream(), codec))
                {
                    File.WriteAllBytes(ours, stream.ToArray());
                }

                var theirs = Path.Combine(directory.FullName, $"duckdb-{duckCodec}-{level}.parquet");
                var levelClause = codec == CompressionCodec.Zstd ? $", COMPRESSION_LEVEL {level}" : "";
                RunDuckDb($"SET threads=1; COPY (SELECT * FROM read_parquet('{ours}')) TO '{theirs}' (FORMAT parquet, COMPRESSION {duckCodec}{levelClause})");
                var ourSize = new FileInfo(ours).Length;
                var theirSize = new FileInfo(theirs).Length;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{duckCodec,-10} {level,5}  {ourSize,12:N0}   {theirSize,12:N0}   {(double)ourSize / theirSize,13:F3}"));
            }

            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void RunDuckDb(string sql)
    {
        var script = Path.Combine(DataFiles.RepoRoot, "tests", "interop", "duckdb.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("duckdb failed: " + stderr.Result);
        }
    }
}
