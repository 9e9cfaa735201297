using System.Globalization;
using System.Text.Json;
using Loggia.Core.Model;
using Loggia.Query.Execution;

namespace Loggia.Query.Http;

/// <summary>
/// One frame of Loki's tail WebSocket. <c>/loki/api/v1/tail</c>:
/// <c>{"streams":[{"stream":{…},"values":[["&lt;ns&gt;","line"]]}],"dropped_entries":[{"timestamp":"&lt;ns&gt;","labels":{…}}]}</c>;
/// the legacy <c>/api/prom/tail</c>: <c>{"streams":[{"labels":"{…}","entries":[{"ts":"RFC3339Nano","line":"…"}]}],
/// "dropped_entries":[{"Timestamp":"RFC3339Nano","Labels":"{…}"}]}</c>. Empty sections are left out, as Loki's
/// <c>omitempty</c> does.
/// </summary>
public static class TailResponseWriter
{
    /// <summary>Writes one frame.</summary>
    public static void WriteFrame(Utf8JsonWriter writer, IReadOnlyList<StreamResult> streams, IReadOnlyList<(Labels Labels, long TimestampNanos)> dropped, bool legacy)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(dropped);
        writer.WriteStartObject();
        if (streams.Count > 0)
        {
            writer.WritePropertyName("streams");
            writer.WriteStartArray();
            foreach (var stream in streams)
            {
                if (legacy)
                {
                    WriteLegacyStream(writer, stream);
                }
                else
                {
                    WriteStream(writer, stream);
                }
            }

            writer.WriteEndArray();
        }

        if (dropped.Count > 0)
        {
            writer.WritePropertyName("dropped_entries");
            writer.WriteStartArray();
            foreach (var (labels, timestamp) in dropped)
            {
                writer.WriteStartObject();
                if (legacy)
                {
                    writer.WriteString("Timestamp", GoTimeFormat.Rfc3339Nano(timestamp));
                    writer.WriteString("Labels", labels.ToString());
                }
                else
                {
                    writer.WriteString("timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
                    writer.WritePropertyName("labels");
                    WriteLabels(writer, labels);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>A stream as the v1 API writes it: labels object and <c>[ns, line]</c> pairs.</summary>
    internal static void WriteStream(Utf8JsonWriter writer, StreamResult stream)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("stream");
        WriteLabels(writer, stream.Labels);
        writer.WritePropertyName("values");
        writer.WriteStartArray();
        foreach (var entry in stream.Entries)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(entry.TimestampNanos.ToString(CultureInfo.InvariantCulture));
            LokiResponseWriter.WriteLine(writer, entry.Line.Span);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A stream as Loki's legacy API writes it: label string and <c>{ts, line}</c> objects.</summary>
    internal static void WriteLegacyStream(Utf8JsonWriter writer, StreamResult stream)
    {
        writer.WriteStartObject();
        writer.WriteString("labels", stream.Labels.ToString());
        writer.WritePropertyName("entries");
        writer.WriteStartArray();
        foreach (var entry in stream.Entries)
        {
            writer.WriteStartObject();
            writer.WriteString("ts", GoTimeFormat.Rfc3339Nano(entry.TimestampNanos));
            writer.WritePropertyName("line");
            LokiResponseWriter.WriteLine(writer, entry.Line.Span);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter writer, Labels labels)
    {
        writer.WriteStartObject();
        foreach (var pair in labels.Pairs)
        {
            writer.WriteString(pair.Name, pair.Value);
        }

        writer.WriteEndObject();
    }
}
