namespace Loggia.Storage.Catalog;

/// <summary>
/// The record of which blocks exist. A block file is visible to queries only once it is published
/// here, and a file that is not here is garbage (see <see cref="OrphanFiles"/>). Implementations:
/// <see cref="SqliteBlockCatalog"/> for one machine; PostgreSQL when scaled out.
/// </summary>
/// <remarks>
/// Every write is one transaction and is durable when the returned task completes. Writes that
/// contradict the catalog throw <see cref="CatalogConflictException"/> and change nothing; a block
/// that fails validation throws <see cref="ArgumentException"/>.
/// </remarks>
public interface IBlockCatalog : IAsyncDisposable
{
    /// <summary>
    /// Records a new block. Publishing an id again with identical content succeeds without change,
    /// so a flusher can retry after a crash or timeout; different content for a recorded id, or a
    /// second id for a recorded path, throws <see cref="CatalogConflictException"/>.
    /// </summary>
    Task PublishAsync(BlockInfo block, CancellationToken ct);

    /// <summary>
    /// Records a new block and sets checkpoint <paramref name="state"/> entries in the same
    /// transaction: either both are stored or neither. Used to advance the WAL position up to which
    /// data is published together with the block that publishes it. Same idempotency as
    /// <see cref="PublishAsync(BlockInfo, CancellationToken)"/>; on a retry the state is written again.
    /// </summary>
    Task PublishAsync(BlockInfo block, IReadOnlyDictionary<string, string>? state, CancellationToken ct);

    /// <summary>
    /// Atomically removes <paramref name="removedIds"/> and adds <paramref name="added"/>, for
    /// compaction and retention. If any removed id is not recorded (e.g. another compactor already
    /// replaced it) or any added id or path is already recorded, throws
    /// <see cref="CatalogConflictException"/> and changes nothing, so two compactors cannot both win.
    /// </summary>
    Task ReplaceAsync(IReadOnlyList<string> removedIds, IReadOnlyList<BlockInfo> added, CancellationToken ct);

    /// <summary>
    /// Blocks of <paramref name="tenant"/> whose time range overlaps the closed interval
    /// [<paramref name="fromNanos"/>, <paramref name="toNanos"/>]: both bounds are inclusive, so a
    /// block ending exactly at <paramref name="fromNanos"/> or starting exactly at
    /// <paramref name="toNanos"/> is returned. Ordered by MinTime, then MaxTime, then Id.
    /// A caller with a half-open range [start, end) passes <c>end - 1</c>.
    /// </summary>
    Task<IReadOnlyList<BlockInfo>> FindAsync(string tenant, long fromNanos, long toNanos, CancellationToken ct);

    /// <summary>Tenants that have at least one block, in ordinal order.</summary>
    Task<IReadOnlyList<string>> TenantsAsync(CancellationToken ct);

    /// <summary>Every recorded block, ordered by tenant, MinTime, then Id: for startup garbage collection and fsck.</summary>
    Task<IReadOnlyList<BlockInfo>> AllAsync(CancellationToken ct);

    /// <summary>The value of checkpoint <paramref name="key"/>, or null when it was never set.</summary>
    Task<string?> GetStateAsync(string key, CancellationToken ct);

    /// <summary>Sets checkpoint <paramref name="key"/> to <paramref name="value"/>, replacing any previous value.</summary>
    Task SetStateAsync(string key, string value, CancellationToken ct);
}
