namespace Loggia.Storage.Catalog;

/// <summary>
/// A request to delete the entries of a tenant that a selector (with optional line filters) matches in a time range,
/// as Loki's <c>/loki/api/v1/delete</c> takes it. The query is kept as text: storage does not interpret it.
/// </summary>
/// <param name="Id">The request id returned to the client (unique per tenant).</param>
/// <param name="Tenant">The tenant whose entries are deleted.</param>
/// <param name="Query">The LogQL log selector, as given.</param>
/// <param name="StartMs">First millisecond covered (Unix ms, inclusive).</param>
/// <param name="EndMs">Last millisecond covered (Unix ms, inclusive, as Loki's).</param>
/// <param name="CreatedMs">When the request was received (Unix ms).</param>
/// <param name="SweptMs">When the compactor last removed the matching entries from blocks, or null when it has not yet
/// (the cancellation period is still running, or the compactor has not passed).</param>
public sealed record DeleteRequest(string Id, string Tenant, string Query, long StartMs, long EndMs, long CreatedMs, long? SweptMs)
{
    /// <summary>Loki's status: <c>received</c> until the compactor has processed the request, then <c>processed</c>.</summary>
    public string Status => SweptMs is null ? "received" : "processed";
}
