using System.Text;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.Http;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Tests.Execution.Metrics;

/// <summary>
/// A small data set whose metric results are computed by hand in the tests, and helpers to run queries over it.
/// Times are whole seconds; the usual range query evaluates at 10 s, 15 s and 20 s.
/// </summary>
internal static class MetricTestData
{
    public const long Second = 1_000_000_000;

    public static readonly TenantId Tenant = TenantId.Fake;

    /// <summary>
    /// {app="api"}: lines of 1..5,1,2,3 bytes at 6, 8, 10, 12, 15, 16, 20, 21 s.
    /// {app="svc"}: structured metadata latency 10, 20, 30, 40 at 11..14 s and 5 at 16 s.
    /// {app="a|b", env="prod", pod}: one line per second from 11 to 15 s for a/1, 11..13 for a/2, 11..12 for b/1.
    /// </summary>
    public static InMemoryLogSource Build(Action<InMemoryLogSource>? extra = null)
    {
        var s = new InMemoryLogSource(batchSize: 3);
        var api = Labels.Parse("{app=\"api\"}");
        (int T, string Line)[] lines = [(6, "a"), (8, "bb"), (10, "ccc"), (12, "dddd"), (15, "eeeee"), (16, "f"), (20, "gg"), (21, "hhh")];
        foreach (var (t, line) in lines)
        {
            s.Append(Tenant, api, t * Second, line);
        }
        var svc = Labels.Parse("{app=\"svc\"}");
        (int T, string Latency)[] latencies = [(11, "10"), (12, "20"), (13, "30"), (14, "40"), (16, "5")];
        foreach (var (t, latency) in latencies)
        {
            s.Append(Tenant, svc, t * Second, "request", new LabelPair("latency", latency));
        }
        AppendEverySecond(s, "{app=\"a\", env=\"prod\", pod=\"1\"}", 11, 15);
        AppendEverySecond(s, "{app=\"a\", env=\"prod\", pod=\"2\"}", 11, 13);
        AppendEverySecond(s, "{app=\"b\", env=\"prod\", pod=\"1\"}", 11, 12);
        extra?.Invoke(s);
        return s;
    }

    private static void AppendEverySecond(InMemoryLogSource s, string labels, int from, int to)
    {
        var parsed = Labels.Parse(labels);
        for (var t = from; t <= to; t++)
        {
            s.Append(Tenant, parsed, t * Second, "line");
        }
    }

    public static MetricQueryResult Range(string query, ILogSource source, long start = 10, long end = 20, long step = 5, int maxSeries = 500) =>
        Run(new MetricQueryRequest
        {
            Tenant = Tenant,
            Expression = LogQLParser.ParseSampleExpr(query),
            StartNanos = start * Second,
            EndNanos = end * Second,
            StepNanos = step * Second,
            MaxSeries = maxSeries,
        }, source);

    public static MetricQueryResult Instant(string query, ILogSource source, long at = 15, int maxSeries = 500) =>
        Run(new MetricQueryRequest
        {
            Tenant = Tenant,
            Expression = LogQLParser.ParseSampleExpr(query),
            StartNanos = at * Second,
            EndNanos = at * Second,
            IsInstant = true,
            MaxSeries = maxSeries,
        }, source);

    public static MetricQueryResult Run(MetricQueryRequest request, ILogSource source) =>
        new MetricQueryEngine().ExecuteAsync(request, (_, _) => ValueTask.FromResult<IReadOnlyList<ILogSource>>([source]), CancellationToken.None)
            .GetAwaiter().GetResult();

    /// <summary>The result as text: <c>{labels} sec:value sec:value | {labels} …</c>, values as Loki prints them.</summary>
    public static string Format(MetricQueryResult result)
    {
        var sb = new StringBuilder();
        foreach (var series in result.Series)
        {
            if (sb.Length > 0)
            {
                sb.Append(" | ");
            }
            sb.Append(series.Labels);
            foreach (var p in series.Points)
            {
                sb.Append(' ').Append(p.TimestampMs / 1000.0).Append(':').Append(LokiMetricResponseWriter.FormatValue(p.Value));
            }
        }
        return sb.ToString();
    }
}
