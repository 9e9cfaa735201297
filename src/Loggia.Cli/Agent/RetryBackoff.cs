namespace Loggia.Cli.Agent;

/// <summary>
/// Exponential backoff with jitter between failed pushes: min · 2^attempt, capped at max, then a
/// random half to whole of it, so many agents that failed together do not retry together. A
/// server's Retry-After wins (capped at max too, so a bogus header cannot stall the agent for days).
/// </summary>
internal sealed class RetryBackoff(TimeSpan min, TimeSpan max)
{
    public TimeSpan Next(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } told)
        {
            return told < max ? told : max;
        }

        var exponent = Math.Min(attempt, 30);
        var delay = Math.Min(min.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(delay * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }
}
