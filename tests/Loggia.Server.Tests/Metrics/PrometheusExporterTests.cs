using System.Diagnostics.Metrics;
using Loggia.Server.Metrics;

namespace Loggia.Server.Tests.Metrics;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void CountersHistogramsAndGauges_AreRenderedInPrometheusTextFormat()
    {
        var meterName = "LoggiaTest." + Guid.NewGuid().ToString("N");
        using var exporter = new PrometheusExporter(meterName);
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
        using var exporter = new PrometheusExporter(prefix);
        using var other = new Meter("SomethingElse." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("other_total").Add(1);
        Assert.DoesNotContain("other_total", exporter.Render(), StringComparison.Ordinal);
    }
}
