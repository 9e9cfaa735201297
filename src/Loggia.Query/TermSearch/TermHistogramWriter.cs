using System.Text.Json;

namespace Loggia.Query.TermSearch;

/// <summary>
/// The JSON of <c>/loggia/api/v1/terms/histogram</c>:
/// <c>{"status":"success","data":{"terms":[…],"step":3600,"buckets":[{"start":…,"hours":…,"lines":…,"terms":[…],"complete":true}]}}</c>,
/// times in Unix seconds.
/// </summary>
public static class TermHistogramWriter
{
    /// <summary>Writes the response.</summary>
    public static void Write(Utf8JsonWriter writer, TermQuery query, TermHistogramStep step, IReadOnlyList<TermHistogramBucket> buckets)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(buckets);
        writer.WriteStartObject();
        writer.WriteString("status", "success");
        writer.WriteStartObject("data");
        writer.WriteStartArray("terms");
        foreach (var term in query.Terms)
        {
            writer.WriteStringValue(term);
        }

        writer.WriteEndArray();
        writer.WriteNumber("step", step.Hours * 3600);
        writer.WriteStartArray("buckets");
        foreach (var bucket in buckets)
        {
            writer.WriteStartObject();
            writer.WriteNumber("start", bucket.StartHour * 3600);
            writer.WriteNumber("hours", bucket.Hours);
            writer.WriteNumber("lines", bucket.Lines);
            writer.WriteStartArray("terms");
            foreach (var lines in bucket.TermLines)
            {
                writer.WriteNumberValue(lines);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("complete", bucket.Complete);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

}
