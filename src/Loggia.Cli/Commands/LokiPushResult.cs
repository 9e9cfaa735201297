using System.Net;

namespace Loggia.Cli.Commands;

/// <summary>
/// The outcome of one push: the status (null when no HTTP answer came: connection refused, reset,
/// timeout), the server's <c>Retry-After</c> and the start of its error text.
/// </summary>
internal readonly record struct LokiPushResult(HttpStatusCode? Status, TimeSpan? RetryAfter, string Error)
{
    public bool Succeeded => Status is HttpStatusCode.NoContent or HttpStatusCode.OK;

    /// <summary>Worth retrying: no answer, 429 or 5xx. Other 4xx will fail the same way again.</summary>
    public bool IsRetryable => Status is null || Status == HttpStatusCode.TooManyRequests || (int)Status >= 500;
}
