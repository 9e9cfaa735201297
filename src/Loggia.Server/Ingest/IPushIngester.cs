using Loggia.Core.Model;
using Loggia.Ingest.Loki;

namespace Loggia.Server.Ingest;

/// <summary>
/// Where validated pushes go: makes the entries durable (WAL) and queryable (head), and reports
/// entries it refused (e.g. too far behind in their stream) so that the push can answer 400 for
/// them while keeping the rest, as Loki does.
/// </summary>
public interface IPushIngester
{
    /// <summary>
    /// Ingests <paramref name="request"/> for <paramref name="tenant"/>; completes once the accepted
    /// entries are durable. Throws <see cref="IngesterBusyException"/> when it cannot take more now.
    /// </summary>
    ValueTask<IngestOutcome> IngestAsync(TenantId tenant, PushRequest request, CancellationToken cancellationToken);
}

/// <summary>What the ingester refused, one message per refused entry (Loki's wording).</summary>
/// <param name="RefusedMessages">Messages of refused entries (empty when all were taken).</param>
public sealed record IngestOutcome(IReadOnlyList<string> RefusedMessages)
{
    /// <summary>Everything was taken.</summary>
    public static IngestOutcome AllAccepted { get; } = new([]);
}

/// <summary>The ingester is saturated (WAL or memory budget full): the client should retry later (429/503 with Retry-After).</summary>
public sealed class IngesterBusyException : Exception
{
    public IngesterBusyException()
        : this("ingester is busy")
    {
    }

    public IngesterBusyException(string message)
        : base(message)
    {
    }

    public IngesterBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Seconds the client should wait before retrying.</summary>
    public int RetryAfterSeconds { get; init; } = 1;
}
