using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Loggia.Bench;

/// <summary>
/// Benchmark configuration with throughput columns computed from the median time and the size
/// of the (deterministic) benchmark table.
/// </summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(7).WithLaunchCount(1));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new RateColumn("MB/s (text)", bytes: true), new RateColumn("rows/s", bytes: false));
    }

    private sealed class RateColumn(string name, bool bytes) : IColumn
    {
        public string Id => "Loggia." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => bytes ? "Megabytes (10^6) of line text per second, single thread" : "Rows per second, single thread";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var median = report?.ResultStatistics?.Median;
            if (median is null or <= 0)
            {
                return "-";
            }

            var (rows, lineBytes) = TableSize.Value;
            var seconds = median.Value / 1e9;
            return bytes ? (lineBytes / 1e6 / seconds).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
                : (rows / seconds).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }

    /// <summary>The host regenerates the table once to know its size (same seed as the benchmark).</summary>
    private static readonly Lazy<(long Rows, long LineBytes)> TableSize = new(() =>
    {
        var table = LogTable.Generate(ParquetBenchmarks.TableRows);
        return (table.Rows, table.LineBytes);
    });
}
