using System.Globalization;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution.Metrics;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Http;

/// <summary>
/// Writes Loki's <c>query_range</c>/<c>query</c> JSON for metric results:
/// <c>{"status":"success","data":{"resultType":"matrix"|"vector"|"scalar","result":…,"stats":{…}}}</c>.
/// A matrix series is <c>{"metric":{…},"values":[[ts,"v"],…]}</c>, a vector sample <c>{"metric":{…},"value":[ts,"v"]}</c>,
/// a scalar <c>[ts,"v"]</c>; <c>ts</c> is a JSON number of seconds with millisecond precision and the value a string
/// formatted as Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c> (so <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>), as Prometheus' model does.
/// </summary>
public static class LokiMetricResponseWriter
{
    /// <summary>Writes the whole response document for <paramref name="result"/>, with <c>warnings</c> when there are any.</summary>
    public static void Write(Utf8JsonWriter writer, MetricQueryResult result, IReadOnlyList<string>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WritePropertyName("data");
        writer.WriteStartObject();
        writer.WriteString("resultType", result.ResultType switch
        {
            MetricResultType.Matrix => "matrix",
            MetricResultType.Vector => "vector",
            _ => "scalar",
        });
        writer.WritePropertyName("result");
        switch (result.ResultType)
        {
            case MetricResultType.Scalar:
                var point = result.Series[0].Points[0];
                WritePoint(writer, point);
                break;
            case MetricResultType.Vector:
                writer.WriteStartArray();
                foreach (var sample in result.Series)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("metric");
                    WriteMetric(writer, sample.Labels);
                    writer.WritePropertyName("value");
                    WritePoint(writer, sample.Points[0]);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartArray();
                foreach (var series in result.Series)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("metric");
                    WriteMetric(writer, series.Labels);
                    writer.WritePropertyName("values");
                    writer.WriteStartArray();
                    foreach (var p in series.Points)
                    {
                        WritePoint(writer, p);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
        }
        writer.WritePropertyName("stats");
        LokiResponseWriter.WriteStatistics(writer, result.Statistics);
        writer.WriteEndObject();
        LokiResponseWriter.WriteWarnings(writer, warnings);
        writer.WriteEndObject();
    }

    private static void WriteMetric(Utf8JsonWriter writer, Labels labels)
    {
        writer.WriteStartObject();
        foreach (var pair in labels.Pairs)
        {
            writer.WriteString(pair.Name, pair.Value);
        }
        writer.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter writer, MetricPoint point)
    {
        writer.WriteStartArray();
        Span<byte> buffer = stackalloc byte[32];
        writer.WriteRawValue(buffer[..FormatTimestamp(point.TimestampMs, buffer)], skipInputValidation: true);
        writer.WriteStringValue(FormatValue(point.Value));
        writer.WriteEndArray();
    }

    /// <summary>
    /// Prometheus' <c>model.Time.String()</c>: milliseconds as seconds with the fraction's trailing zeros removed.
    /// Integer arithmetic gives exactly the shortest float formatting, since every such value has at most 16 digits.
    /// </summary>
    internal static int FormatTimestamp(long milliseconds, Span<byte> destination)
    {
        var written = 0;
        if (milliseconds < 0)
        {
            destination[written++] = (byte)'-';
            milliseconds = -milliseconds;
        }
        (milliseconds / 1000).TryFormat(destination[written..], out var n, default, CultureInfo.InvariantCulture);
        written += n;
        var fraction = (int)(milliseconds % 1000);
        if (fraction != 0)
        {
            destination[written++] = (byte)'.';
            var digits = 3;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            fraction.TryFormat(destination[written..], out n, digits == 3 ? "D3" : digits == 2 ? "D2" : "D1", CultureInfo.InvariantCulture);
            written += n;
        }
        return written;
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c> (Prometheus' <c>SampleValue.String()</c>).</summary>
    internal static string FormatValue(double value) =>
        value == 0 ? (double.IsNegative(value) ? "-0" : "0")
        : value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture)
        : GoFloat.FormatFixed(value);
}
