using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Loggia.Core.Model;

namespace Loggia.Cli.Commands;

/// <summary>
/// Writes a Loki push body in JSON (<c>{"streams":[{"stream":{…},"values":[["ns","line"],…]}]}</c>),
/// the encoding of <c>loggia push</c> and <c>loggia agent</c>: any Loki-compatible server takes it.
/// </summary>
internal static class LokiPushJson
{
    /// <summary>One stream of a push body.</summary>
    internal readonly record struct Stream(Labels Labels, IReadOnlyList<(long Timestamp, string Line)> Values);

    /// <summary>Writes <paramref name="streams"/> into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, IEnumerable<Stream> streams)
    {
        Span<char> digits = stackalloc char[20];
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray("streams");
        foreach (var stream in streams)
        {
            json.WriteStartObject();
            json.WriteStartObject("stream");
            foreach (var pair in stream.Labels.Pairs)
            {
                json.WriteString(pair.Name, pair.Value);
            }

            json.WriteEndObject();
            json.WriteStartArray("values");
            foreach (var (ts, line) in stream.Values)
            {
                json.WriteStartArray();
                ts.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
                json.WriteStringValue(digits[..written]);
                json.WriteStringValue(line);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
