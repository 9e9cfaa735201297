using System.Diagnostics;
using System.Globalization;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Bench.LogQL;

/// <summary>
/// <c>Loggia.Bench logql [--lines N] [--runs R] [--only CASE]</c>: LogQL execution throughput on one core over N entries
/// (10 M by default) of decompressed data in memory — a literal line filter, <c>| json</c>, <c>| logfmt</c> and a
/// metric query. Each case runs R times (5 by default) after a warm-up; the median is reported in lines/s and MB/s.
/// Queries are chosen so that every line goes through the measured stage (a needle that never matches, a label
/// filter that keeps nothing), not stopped early by the limit.
/// </summary>
internal static class LogQLThroughput
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000L;

    private static string? _only;

    public static int Run(string[] args)
    {
        var lines = 10_000_000L;
        var runs = 5;
        string? only = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--lines":
                    lines = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--runs":
                    runs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--only":
                    only = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        _only = only;
        const int pool = 500_000;
        var plain = LineCorpus.Plain(pool);
        var json = LineCorpus.Json(pool);
        var logfmt = LineCorpus.Logfmt(pool);
        // One hour of data: enough one-minute windows for the metric query.
        var interval = 3_600_000_000_000L / lines;
        var sources = new ILogSource[]
        {
            new CyclingLogSource(Labels.Create(("app", "plain")), plain, lines, Start, interval),
            new CyclingLogSource(Labels.Create(("app", "json")), json, lines, Start, interval),
            new CyclingLogSource(Labels.Create(("app", "logfmt")), logfmt, lines, Start, interval),
        };
        Console.WriteLine($"{lines:N0} lines per case, one core; average line: plain {plain.AverageLength:F0} B, json {json.AverageLength:F0} B, logfmt {logfmt.AverageLength:F0} B; median of {runs} runs");

        Report("literal filter  {app=\"plain\"} |= \"f3c9e1d7-never\"", lines, plain, runs, () => LogQuery(sources[0], "{app=\"plain\"} |= \"f3c9e1d7-never\"", lines));
        Report("json            {app=\"json\"} | json | level=\"fatal\"", lines, json, runs, () => LogQuery(sources[1], "{app=\"json\"} | json | level=\"fatal\"", lines));
        Report("logfmt          {app=\"logfmt\"} | logfmt | level=\"fatal\"", lines, logfmt, runs, () => LogQuery(sources[2], "{app=\"logfmt\"} | logfmt | level=\"fatal\"", lines));
        const string metric = "sum by (level) (count_over_time({app=\"json\"} | json [1m]))";
        Report("metric          " + metric, lines, json, runs, () => MetricQuery(sources[1], metric, lines));
        return 0;
    }

    /// <summary>A range query over the hour, one-minute steps: 60 steps × the levels in the data.</summary>
    private static long MetricQuery(ILogSource source, string query, long lines)
    {
        var result = new MetricQueryEngine().ExecuteAsync(
            new MetricQueryRequest
            {
                Tenant = TenantId.Fake,
                Expression = (SampleExpr)LogQLParser.Parse(query),
                StartNanos = Start + 60_000_000_000L,
                EndNanos = Start + 3_600_000_000_000L,
                StepNanos = 60_000_000_000L,
            },
            (request, cancellationToken) => ValueTask.FromResult<IReadOnlyList<ILogSource>>([source]),
            CancellationToken.None).GetAwaiter().GetResult();
        if (result.Statistics.TotalLinesProcessed < lines * 99 / 100)
        {
            throw new InvalidOperationException($"processed {result.Statistics.TotalLinesProcessed} lines, expected about {lines}");
        }
        return result.Series.Count;
    }

    private static long LogQuery(ILogSource source, string query, long lines)
    {
        var result = new LogQueryEngine(scanParallelism: 1).Execute(
            new LogQueryRequest { Tenant = TenantId.Fake, Query = query, StartNanos = Start, EndNanos = Start + (2 * 3_600_000_000_000L), Limit = 100 },
            [source],
            CancellationToken.None);
        if (result.Statistics.TotalLinesProcessed != lines)
        {
            throw new InvalidOperationException($"processed {result.Statistics.TotalLinesProcessed} lines, expected {lines}");
        }
        return result.Statistics.TotalEntriesReturned;
    }

    private static void Report(string name, long lines, LineCorpus corpus, int runs, Func<long> run)
    {
        if (_only is not null && !name.StartsWith(_only, StringComparison.Ordinal))
        {
            return;
        }
        try
        {
            run(); // warm-up (JIT, caches)
            var seconds = new List<double>(runs);
            for (var r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                run();
                seconds.Add(sw.Elapsed.TotalSeconds);
            }
            seconds.Sort();
            var median = seconds[seconds.Count / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-60} {lines / median / 1e6,8:F2} M lines/s {lines * corpus.AverageLength / median / 1e6,8:F0} MB/s   (runs: {string.Join(" ", seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} s)"));
        }
        catch (Exception e) when (e is NotSupportedException or Loggia.Query.LogQL.Syntax.LogQLParseException)
        {
            Console.WriteLine($"{name,-60} not supported: {e.Message}");
        }
    }
}
