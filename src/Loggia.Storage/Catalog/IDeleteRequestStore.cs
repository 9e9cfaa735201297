namespace Loggia.Storage.Catalog;

/// <summary>Durable store of delete requests (kept in the catalog, so they are backed up and shared with it).</summary>
public interface IDeleteRequestStore
{
    /// <summary>Records a new request; its id must not exist for the tenant yet.</summary>
    /// <exception cref="CatalogConflictException">A request with this id exists for the tenant.</exception>
    Task AddDeleteRequestAsync(DeleteRequest request, CancellationToken ct);

    /// <summary>The tenant's requests, oldest first.</summary>
    Task<IReadOnlyList<DeleteRequest>> DeleteRequestsAsync(string tenant, CancellationToken ct);

    /// <summary>Every tenant's requests, oldest first (for the compactor and the query-time filter).</summary>
    Task<IReadOnlyList<DeleteRequest>> AllDeleteRequestsAsync(CancellationToken ct);

    /// <summary>Removes a request that has not been processed; returns false when there is no such unprocessed request.</summary>
    Task<bool> CancelDeleteRequestAsync(string tenant, string id, CancellationToken ct);

    /// <summary>Records that the compactor removed the request's entries from every block published before <paramref name="sweptMs"/>.</summary>
    Task MarkDeleteRequestSweptAsync(string tenant, string id, long sweptMs, CancellationToken ct);
}
