using System.Text.Json;
using Loggia.Query.Execution;

namespace Loggia.Query.Http;

/// <summary>
/// Loki's legacy (<c>/api/prom/…</c>) JSON: a log query as <c>{"streams":[{"labels":"{…}","entries":[{"ts":…,
/// "line":…}]}],"stats":{…}}</c>, and label names or values as <c>{"values":[…]}</c>.
/// </summary>
public static class LegacyResponseWriter
{
    /// <summary>Writes the legacy query response for <paramref name="result"/>.</summary>
    public static void WriteStreams(Utf8JsonWriter writer, LogQueryResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        writer.WritePropertyName("streams");
        writer.WriteStartArray();
        foreach (var stream in result.Streams)
        {
            TailResponseWriter.WriteLegacyStream(writer, stream);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("stats");
        LokiResponseWriter.WriteStatistics(writer, result.Statistics);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"values":[…]}</c>.</summary>
    public static void WriteValues(Utf8JsonWriter writer, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartObject();
        writer.WritePropertyName("values");
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
