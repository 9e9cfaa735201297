using Loggia.Core.Model;

namespace Loggia.Query.Execution;

/// <summary>
/// Something that holds log entries and can scan them: the head (in memory) and each block will implement it.
/// A source knows nothing of LogQL: it receives a stream predicate and a time range and returns one cursor per
/// matching stream.
/// </summary>
public interface ILogSource
{
    /// <summary>
    /// Opens one cursor per stream of <see cref="LogScanRequest.Tenant"/> whose labels satisfy
    /// <see cref="LogScanRequest.StreamMatcher"/> and that may hold entries in the range. The caller disposes every
    /// cursor returned.
    /// </summary>
    IReadOnlyList<IStreamCursor> OpenStreams(LogScanRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The earliest timestamp the source may hold (ns), or <see cref="long.MinValue"/> when unknown. Queries with a
    /// limit open sources in time order and stop opening once the limit is met, so bounds must never be too narrow.
    /// </summary>
    long MinTimeNanos => long.MinValue;

    /// <summary>The latest timestamp the source may hold (ns, inclusive), or <see cref="long.MaxValue"/> when unknown.</summary>
    long MaxTimeNanos => long.MaxValue;
}

/// <summary>
/// The entries of one stream in one source, within the requested range and in the requested direction
/// (non-decreasing timestamps for forward, non-increasing for backward), read in batches.
/// </summary>
public interface IStreamCursor : IDisposable
{
    /// <summary>The stream's labels (the same instance for the cursor's lifetime).</summary>
    Labels Labels { get; }

    /// <summary>
    /// Reads the next batch of entries. The batch, and the line and metadata memory it points to, stay valid only
    /// until the next call or <see cref="IDisposable.Dispose"/> (sources reuse decode buffers). Returns false at the
    /// end; a returned batch is never empty.
    /// </summary>
    bool TryReadBatch(out ReadOnlyMemory<LogEntry> batch);
}

/// <summary>The pushdown a log query gives a source: tenant, streams, time range, direction.</summary>
/// <param name="Tenant">Only this tenant's data is read.</param>
/// <param name="StreamMatcher">Streams to read.</param>
/// <param name="StartNanos">First timestamp included (ns since the epoch).</param>
/// <param name="EndNanos">First timestamp excluded.</param>
/// <param name="Direction">Order of the entries each cursor yields.</param>
public sealed record LogScanRequest(
    TenantId Tenant,
    StreamMatcher StreamMatcher,
    long StartNanos,
    long EndNanos,
    QueryDirection Direction);
