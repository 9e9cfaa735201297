using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;
using Loggia.Server.Metrics;

namespace Loggia.Server.Tests.Metrics;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void CountersHistogramsAndGauges_AreRenderedInPrometheusTextFormat()
    {
        var meterName = "LoggiaTest." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(new MetricsScope(), meterName);
        using var meter = new Meter(meterName);
        var lines = meter.CreateCounter<long>("loggia_test_lines_total", description: "Lines received.");
        var latency = meter.CreateHistogram<double>("loggia_test_latency_seconds");
        var pending = 0L;
        meter.CreateObservableGauge("loggia_test_pending_bytes", () => pending);

        lines.Add(3, new KeyValuePair<string, object?>("tenant", "acme"));
        lines.Add(4, new KeyValuePair<string, object?>("tenant", "acme"));
        lines.Add(1, new KeyValuePair<string, object?>("tenant", "we\"ird"));
        latency.Record(0.003);
        latency.Record(2);
        pending = 42;

        var text = exporter.Render();
        Assert.Contains("# HELP loggia_test_lines_total Lines received.\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE loggia_test_lines_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_lines_total{tenant=\"acme\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_lines_total{tenant=\"we\\\"ird\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE loggia_test_latency_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_bucket{le=\"0.0025\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_bucket{le=\"0.005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_bucket{le=\"2.5\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_count 2\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_latency_seconds_sum 2.003\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE loggia_test_pending_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_test_pending_bytes 42\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MetersOutsideThePrefix_AreNotExported()
    {
        var prefix = "LoggiaTest." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(new MetricsScope(), prefix);
        using var other = new Meter("SomethingElse." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("other_total").Add(1);
        Assert.DoesNotContain("other_total", exporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheServersOwnScope_IsExported_SoTwoServersInOneProcessDoNotAddUp()
    {
        var first = new MetricsScope();
        var second = new MetricsScope();
        using var firstExporter = new PrometheusExporter(first);
        using var secondExporter = new PrometheusExporter(second);
        using var firstMeter = first.CreateMeter("Loggia.Syslog");
        using var secondMeter = second.CreateMeter("Loggia.Syslog");
        using var unnamed = first.CreateMeter("Outside.Prefix");
        firstMeter.CreateCounter<long>("loggia_scope_test_total").Add(1);
        secondMeter.CreateCounter<long>("loggia_scope_test_total").Add(5);
        unnamed.CreateCounter<long>("loggia_scope_outside_total").Add(2);

        var firstText = firstExporter.Render();
        Assert.Contains("loggia_scope_test_total 1\n", firstText, StringComparison.Ordinal);
        Assert.Contains("loggia_scope_outside_total 2\n", firstText, StringComparison.Ordinal);
        Assert.Contains("loggia_scope_test_total 5\n", secondExporter.Render(), StringComparison.Ordinal);
        Assert.DoesNotContain("loggia_scope_outside_total", secondExporter.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void AGaugeThatThrows_IsLeftOut_AndTheOtherMetricsAreStillRendered()
    {
        var scope = new MetricsScope();
        using var exporter = new PrometheusExporter(scope);
        using var meter = scope.CreateMeter("Loggia.Test");
        Func<long> broken = () => throw new InvalidOperationException("disposed");
        meter.CreateObservableGauge("loggia_broken_gauge", broken);
        meter.CreateObservableGauge("loggia_working_gauge", () => 7L);
        meter.CreateCounter<long>("loggia_still_counted_total").Add(3);

        var text = exporter.Render();
        Assert.Contains("loggia_working_gauge 7\n", text, StringComparison.Ordinal);
        Assert.Contains("loggia_still_counted_total 3\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("loggia_broken_gauge ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetersDisposedWhileRendering_NeverMakeRenderFail()
    {
        var scope = new MetricsScope();
        using var exporter = new PrometheusExporter(scope);
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            var created = 0;
            while (!stop.IsCancellationRequested || created < 200)
            {
                using var meter = scope.CreateMeter("Loggia.Churn");
                meter.CreateObservableGauge("loggia_churn_gauge", () => 1L);
                meter.CreateCounter<long>("loggia_churn_total").Add(1);
                created++;
            }

            return created;
        });

        for (var i = 0; i < 2_000; i++)
        {
            exporter.Render();
        }

        await stop.CancelAsync();
        Assert.True(await churn >= 200);
        Assert.DoesNotContain("loggia_churn_gauge", exporter.Render(), StringComparison.Ordinal);
    }
}
