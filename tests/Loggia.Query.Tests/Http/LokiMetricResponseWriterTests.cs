using System.Text;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.Http;

namespace Loggia.Query.Tests.Http;

public class LokiMetricResponseWriterTests
{
    private static string Write(MetricQueryResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, LokiResponseWriter.WriterOptions))
        {
            LokiMetricResponseWriter.Write(writer, result);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Result(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("result").GetRawText();

    [Theory]
    [InlineData(1_700_000_000_000, "1700000000")]
    [InlineData(1_700_000_000_500, "1700000000.5")]
    [InlineData(1_700_000_000_050, "1700000000.05")]
    [InlineData(1_700_000_000_001, "1700000000.001")]
    [InlineData(-1_500, "-1.5")]
    public void Timestamps_AreSecondsWithMillisecondsAsPrometheusPrintsThem(long ms, string expected)
    {
        Span<byte> buffer = stackalloc byte[32];
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..LokiMetricResponseWriter.FormatTimestamp(ms, buffer)]));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(2.0, "2")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1000000000000000000000")]
    [InlineData(2.5e-7, "0.00000025")]
    [InlineData(-3.0, "-3")]
    public void Values_AreGoFormatFloatStrings(double value, string expected) =>
        Assert.Equal(expected, LokiMetricResponseWriter.FormatValue(value));

    [Fact]
    public void Matrix_IsWrittenAsLokiDoes()
    {
        var json = Write(new MetricQueryResult(
            MetricResultType.Matrix,
            [new MetricSeries(Labels.Parse("{app=\"a\"}"), [new MetricPoint(10_000, 3), new MetricPoint(15_500, double.NaN)])],
            new QueryStatistics()));
        Assert.StartsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":", json, StringComparison.Ordinal);
        Assert.Equal("[{\"metric\":{\"app\":\"a\"},\"values\":[[10,\"3\"],[15.5,\"NaN\"]]}]", Result(json));
        Assert.True(JsonDocument.Parse(json).RootElement.GetProperty("data").GetProperty("stats").TryGetProperty("summary", out _));
    }

    [Fact]
    public void Vector_And_Scalar_AreWrittenAsLokiDoes()
    {
        var vector = Write(new MetricQueryResult(
            MetricResultType.Vector, [new MetricSeries(Labels.Empty, [new MetricPoint(15_000, 2)])], new QueryStatistics()));
        Assert.Contains("\"resultType\":\"vector\"", vector, StringComparison.Ordinal);
        Assert.Equal("[{\"metric\":{},\"value\":[15,\"2\"]}]", Result(vector));

        var scalar = Write(new MetricQueryResult(
            MetricResultType.Scalar, [new MetricSeries(Labels.Empty, [new MetricPoint(15_000, 2)])], new QueryStatistics()));
        Assert.Contains("\"resultType\":\"scalar\"", scalar, StringComparison.Ordinal);
        Assert.Equal("[15,\"2\"]", Result(scalar));
    }
}
