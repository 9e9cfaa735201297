using System.Net.Http.Headers;

namespace Loggia.Cli.Commands;

/// <summary>Posts Loki push bodies to <c>/loki/api/v1/push</c> of a Loki-compatible server, once per call (callers decide on retries).</summary>
internal static class LokiPushClient
{
    public const string PushPath = "/loki/api/v1/push";

    // The error text of a rejected push is logged; a few hundred characters say why without flooding.
    private const int MaxErrorChars = 512;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Sends <paramref name="body"/>; connection errors and timeouts become a result without a status.</summary>
    public static async Task<LokiPushResult> PushAsync(HttpClient client, Uri pushUrl, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        try
        {
            using var response = await client.PostAsync(pushUrl, content, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new LokiPushResult(response.StatusCode, null, "");
            }

            var text = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
            return new LokiPushResult(response.StatusCode, RetryAfter(response), text.Length > MaxErrorChars ? text[..MaxErrorChars] : text);
        }
        catch (HttpRequestException e)
        {
            return new LokiPushResult(null, null, e.Message);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed.
            return new LokiPushResult(null, null, "timeout: " + e.Message);
        }
    }

    /// <summary>The push URL for a server address: a URL already ending in the push path is kept, a base URL gets it appended.</summary>
    public static Uri PushUrl(string address)
    {
        var trimmed = address.TrimEnd('/');
        return new Uri(trimmed.EndsWith(PushPath, StringComparison.Ordinal) ? trimmed : trimmed + PushPath);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
