using Loggia.Core.Diagnostics;

namespace Loggia.Storage.Head;

/// <summary>Settings of the in-memory <see cref="Head"/>. Defaults follow Loki's ingester.</summary>
public sealed class HeadOptions
{
    /// <summary>
    /// Loki's <c>max_chunk_age</c> (default 2h). Data is flushed once it has been in the head this long, and, as in
    /// Loki, half of it is the out-of-order window (<see cref="OutOfOrderWindow"/>).
    /// </summary>
    public TimeSpan MaxChunkAge { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Loki's <c>chunk_idle_period</c> (default 30m): a stream without appends for this long is flushed.</summary>
    public TimeSpan ChunkIdlePeriod { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A tenant whose head holds at least this many entry bytes is flushed whole (default 256 MiB).</summary>
    public long MaxTenantBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Entries per in-memory chunk before it is sealed (sorted, made immutable). Small enough that the rare
    /// out-of-order search and sort of the open chunk stay cheap and that a full chunk's array (40 bytes an entry)
    /// stays under the 85 KB large-object threshold; large enough that a stream has few chunks.
    /// </summary>
    public int ChunkEntries { get; init; } = 2048;

    /// <summary>The owner of the head's gauges (the server's scope, so that its <c>/metrics</c> reports them).</summary>
    public MetricsScope Metrics { get; init; } = new();

    /// <summary>Clock for idle/age decisions; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// How far behind a stream's newest timestamp an entry may be and still be accepted: Loki's
    /// <c>max_chunk_age / 2</c>.
    /// </summary>
    public TimeSpan OutOfOrderWindow => MaxChunkAge / 2;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxChunkAge, TimeSpan.Zero, nameof(MaxChunkAge));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ChunkIdlePeriod, TimeSpan.Zero, nameof(ChunkIdlePeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTenantBytes, 1, nameof(MaxTenantBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkEntries, 16, nameof(ChunkEntries));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(Metrics, nameof(Metrics));
    }
}
