using System.Globalization;
using System.Net;
using System.Text.Json;
using Loggia.Ingest.Journald;
using Loggia.Ingest.Loki;

namespace Loggia.Cli.Commands.Journald;

/// <summary>
/// Ships batches as Loki push requests (JSON with structured metadata) to <c>/loki/api/v1/push</c>, mapped by the
/// same <see cref="JournaldPushBuilder"/> as Loggia's <c>/upload</c> receiver, so Loggia and Loki 3 both take them.
/// 429, 5xx and connection errors are retried with exponential backoff (honouring Retry-After); other 4xx answers
/// mean the server kept the valid entries and refused the rest for good, so they are reported and not retried.
/// </summary>
internal sealed class LokiPushSink(HttpClient client, TextWriter log, int maxRetries, TimeProvider time) : IJournalSink
{
    private const int BatchEntries = 1000;
    private const long BatchBytes = 1024 * 1024;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly JournaldPushBuilder _builder = new();

    public int Pending => _builder.Count;

    public bool ShouldFlushBefore(ReadOnlySpan<byte> input, List<JournalField> fields) => _builder.Count >= BatchEntries || _builder.LineBytes >= BatchBytes;

    /// <summary>Entries the server acknowledged.</summary>
    public long Sent { get; private set; }

    public void Add(ReadOnlySpan<byte> input, List<JournalField> fields, long receivedNanos) => _builder.Add(input, fields, receivedNanos);

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_builder.Count == 0)
        {
            return;
        }

        int count = _builder.Count;
        var body = Serialize(_builder.Build());
        var backoff = FirstBackoff;
        for (int attempt = 0; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                // A push in flight is not cancelled by a stop (only the backoff wait is): cancelled, it might
                // have been kept by the server all the same and would be sent again by the final flush.
                using var response = await client.PostAsync("loki/api/v1/push", content, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    Sent += count;
                    return;
                }

                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    // Loki's contract: a 4xx push kept its valid entries; the others would be refused again.
                    await log.WriteLineAsync($"the server refused entries of a batch of {count} ({(int)response.StatusCode}): {text.Trim()}");
                    Sent += count;
                    return;
                }

                failure = $"{(int)response.StatusCode}: {text.Trim()}";
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            catch (TaskCanceledException e)
            {
                failure = "timeout: " + e.Message;
            }

            if (attempt >= maxRetries)
            {
                throw new IOException($"giving up on a batch of {count} entries after {attempt + 1} attempts: {failure}");
            }

            var delay = retryAfter is { } wait && wait > backoff ? wait : backoff;
            await log.WriteLineAsync($"push failed ({failure}); retrying in {delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
            await Task.Delay(delay, time, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Loki's JSON push body: <c>{"streams":[{"stream":{…},"values":[["ns","line",{metadata}]]}]}</c>.</summary>
    private static byte[] Serialize(PushRequest push)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("streams");
            foreach (var stream in push.Streams)
            {
                json.WriteStartObject();
                json.WriteStartObject("stream");
                foreach (var pair in stream.Labels.Pairs)
                {
                    json.WriteString(pair.Name, pair.Value);
                }

                json.WriteEndObject();
                json.WriteStartArray("values");
                foreach (var entry in stream.Entries.Span)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(entry.TimestampNanos.ToString(CultureInfo.InvariantCulture));
                    json.WriteStringValue(entry.Line.Span);
                    if (!entry.StructuredMetadata.IsEmpty)
                    {
                        json.WriteStartObject();
                        foreach (var pair in entry.StructuredMetadata.Span)
                        {
                            json.WriteString(pair.Name, pair.Value);
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
