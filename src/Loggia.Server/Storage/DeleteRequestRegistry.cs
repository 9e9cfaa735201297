using Loggia.Core.Model;
using Loggia.Query.Execution.Deletion;
using Loggia.Query.LogQL.Syntax;
using Loggia.Server.Configuration;
using Loggia.Storage.Catalog;

namespace Loggia.Server.Storage;

/// <summary>
/// The delete requests of every tenant, read from the catalog once and kept compiled in memory, so a query pays
/// nothing for deletes unless one of its streams is covered. Every change goes to the catalog first, then drops the
/// in-memory copy, which is read again on next use.
/// </summary>
public sealed class DeleteRequestRegistry(StorageEngine storage, LoggiaOptions options) : IDisposable
{
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile Dictionary<string, List<CompiledRequest>>? _byTenant;

    /// <summary>A stored request with its compiled form (null when it no longer compiles, e.g. after a downgrade).</summary>
    public sealed record CompiledRequest(DeleteRequest Request, DeletionRule? Rule);

    /// <summary>Whether the tenant may use the delete API and has deleted lines hidden (<c>deletion_mode</c> not <c>disabled</c>).</summary>
    public bool Enabled => options.Limits.DeletionMode != "disabled";

    /// <summary>Whether the compactor removes deleted lines from blocks (<c>filter-and-delete</c>).</summary>
    public bool RemovesFromStorage => options.Limits.DeletionMode == "filter-and-delete";

    /// <summary>The query-time filter for a tenant's reads in [start, end) (ns), or null when no request overlaps it.</summary>
    public async Task<DeletionFilter?> FilterAsync(TenantId tenant, long startNanos, long endNanos, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }
        var all = await SnapshotAsync(cancellationToken);
        if (!all.TryGetValue(tenant.Value, out var requests))
        {
            return null;
        }
        List<DeletionRule>? rules = null;
        foreach (var r in requests)
        {
            if (r.Rule is { } rule && rule.StartNanos < endNanos && rule.EndNanos >= startNanos)
            {
                (rules ??= []).Add(rule);
            }
        }
        return rules is null ? null : new DeletionFilter(rules);
    }

    /// <summary>The tenant's requests, oldest first.</summary>
    public async Task<IReadOnlyList<CompiledRequest>> ListAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var all = await SnapshotAsync(cancellationToken);
        return all.TryGetValue(tenant.Value, out var requests) ? requests : [];
    }

    /// <summary>Every tenant's requests.</summary>
    public async Task<IReadOnlyDictionary<string, List<CompiledRequest>>> AllAsync(CancellationToken cancellationToken) =>
        await SnapshotAsync(cancellationToken);

    /// <summary>Stores a new request (already validated by compiling it).</summary>
    public async Task AddAsync(DeleteRequest request, CancellationToken cancellationToken)
    {
        await storage.DeleteRequests.AddDeleteRequestAsync(request, cancellationToken);
        _byTenant = null;
    }

    /// <summary>Cancels an unprocessed request; false when there is none with this id.</summary>
    public async Task<bool> CancelAsync(TenantId tenant, string id, CancellationToken cancellationToken)
    {
        var removed = await storage.DeleteRequests.CancelDeleteRequestAsync(tenant.Value, id, cancellationToken);
        _byTenant = null;
        return removed;
    }

    /// <summary>Records a compactor pass over a request.</summary>
    public async Task MarkSweptAsync(DeleteRequest request, long sweptMs, CancellationToken cancellationToken)
    {
        await storage.DeleteRequests.MarkDeleteRequestSweptAsync(request.Tenant, request.Id, sweptMs, cancellationToken);
        _byTenant = null;
    }

    private async Task<Dictionary<string, List<CompiledRequest>>> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (_byTenant is { } cached)
        {
            return cached;
        }
        await _loadLock.WaitAsync(cancellationToken);
        try
        {
            if (_byTenant is { } loaded)
            {
                return loaded;
            }
            var result = new Dictionary<string, List<CompiledRequest>>(StringComparer.Ordinal);
            foreach (var request in await storage.DeleteRequests.AllDeleteRequestsAsync(cancellationToken))
            {
                if (!result.TryGetValue(request.Tenant, out var list))
                {
                    result[request.Tenant] = list = [];
                }
                list.Add(new CompiledRequest(request, TryCompile(request)));
            }
            _byTenant = result;
            return result;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private static DeletionRule? TryCompile(DeleteRequest request)
    {
        try
        {
            return DeletionRule.Compile(request.Query, request.StartMs, request.EndMs);
        }
        catch (Exception e) when (e is LogQLParseException or NotSupportedException or ArgumentException)
        {
            // Validated when accepted; a request that stopped compiling is listed but applies to nothing.
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _loadLock.Dispose();
}
