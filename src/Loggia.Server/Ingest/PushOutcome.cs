using Loggia.Ingest.Loki;

namespace Loggia.Server.Ingest;

/// <summary>
/// What became of a decoded push, whatever its protocol: how many entries were kept and rejected (with the
/// messages to report), or that the ingester was busy and the client should retry after a delay.
/// </summary>
/// <param name="AcceptedEntries">Entries made durable.</param>
/// <param name="RejectedEntries">Entries refused by validation or by the ingester.</param>
/// <param name="Messages">Messages about the refused entries (Loki's wording), empty when none was refused.</param>
/// <param name="RetryAfterSeconds">Set when nothing was taken because the ingester is saturated.</param>
/// <param name="BusyMessage">Why the ingester is busy, when <paramref name="RetryAfterSeconds"/> is set.</param>
public sealed record PushOutcome(int AcceptedEntries, int RejectedEntries, IReadOnlyList<string> Messages, int? RetryAfterSeconds = null, string? BusyMessage = null)
{
    /// <summary>
    /// Which entries validation rejected (stream and entry indices of the request), for protocols that answer per
    /// item (Elasticsearch bulk). Entries the ingester refused afterwards are only counted.
    /// </summary>
    public IReadOnlyList<PushRejection> ValidationRejections { get; init; } = [];

    /// <summary>Whether the push was refused as a whole for backpressure (retry later).</summary>
    public bool IsBusy => RetryAfterSeconds is not null;
}
