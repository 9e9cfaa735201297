using System.Text;
using Loggia.Parquet.Data;
using Loggia.Parquet.Schema;

namespace Loggia.Bench;

/// <summary>
/// A log-shaped table for storage benchmarks: rows sorted by (stream, time) as Loggia blocks are,
/// with a nanosecond timestamp, a stream fingerprint, the stream's labels and a line. Lines are
/// real log lines from ../shared/data (seven systems, ~200 bytes on average) whose digit runs are
/// replaced by fresh random digits, so compression sees realistic, not repeated, values.
/// </summary>
internal sealed class LogTable
{
    internal static readonly (string App, string File)[] Sources =
    [
        ("openstack", "loghub/OpenStack/OpenStack_2k.log"),
        ("apache", "elastic-examples/apache_logs.log"),
        ("hadoop", "loghub/Hadoop/Hadoop_2k.log"),
        ("thunderbird", "loghub/Thunderbird/Thunderbird_2k.log"),
        ("bgl", "loghub/BGL/BGL_2k.log"),
        ("mac", "loghub/Mac/Mac_2k.log"),
        ("hdfs", "loghub/HDFS/HDFS_2k.log"),
    ];

    public static readonly ParquetSchema Schema = new(
        new ParquetColumn("timestamp", ParquetColumnType.TimestampNanos),
        new ParquetColumn("stream_id", ParquetColumnType.Int64),
        new ParquetColumn("labels", ParquetColumnType.StringMap),
        new ParquetColumn("line", ParquetColumnType.String));

    private LogTable(List<RowBatch> batches, long rows, long lineBytes)
    {
        Batches = batches;
        Rows = rows;
        LineBytes = lineBytes;
    }

    /// <summary>The table as batches of up to 8192 rows.</summary>
    public List<RowBatch> Batches { get; }

    public long Rows { get; }

    /// <summary>Bytes of line text: the "raw text" that throughput figures are quoted against.</summary>
    public long LineBytes { get; }

    public static LogTable Generate(int rows, int seed = 42)
    {
        var random = new Random(seed);
        var templates = new List<string[]>();
        foreach (var (_, file) in Sources)
        {
            templates.Add(File.ReadAllLines(Path.Combine(DataFiles.SharedData, file)).Where(l => l.Length > 0).ToArray());
        }

        const int hostsPerApp = 4;
        var streams = Sources.Length * hostsPerApp;
        var rowsPerStream = rows / streams;
        var batches = new List<RowBatch>();
        var batch = new RowBatch(Schema, 8192);
        long lineBytes = 0, total = 0;
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000L;
        var buffer = new StringBuilder(512);
        for (var s = 0; s < streams; s++)
        {
            var app = s / hostsPerApp;
            var host = $"node-{s % hostsPerApp:00}.dc1.example.net";
            var streamId = (long)Hash($"{Sources[app].App}/{host}");
            var ts = start + random.NextInt64(0, 1_000_000_000);
            var count = s == streams - 1 ? rows - (rowsPerStream * (streams - 1)) : rowsPerStream;
            for (var i = 0; i < count; i++)
            {
                ts += random.NextInt64(1_000, 20_000_000);
                var template = templates[app][random.Next(templates[app].Length)];
                var line = Ingest.LogTemplates.FreshDigits(template, random, buffer);
                batch.Int64s(0).Append(ts);
                batch.Int64s(1).Append(streamId);
                var labels = batch.Maps(2);
                labels.AddEntry("app", Sources[app].App);
                labels.AddEntry("env", "prod");
                labels.AddEntry("host", host);
                labels.EndRow();
                batch.Binaries(3).Append(line);
                lineBytes += Encoding.UTF8.GetByteCount(line);
                total++;
                if (batch.RowCount == 8192)
                {
                    batches.Add(batch);
                    batch = new RowBatch(Schema, 8192);
                }
            }
        }

        if (batch.RowCount > 0)
        {
            batches.Add(batch);
        }

        return new LogTable(batches, total, lineBytes);
    }

    private static ulong Hash(string text)
    {
        // FNV-1a: only needs to be stable for the benchmark's stream ids.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
