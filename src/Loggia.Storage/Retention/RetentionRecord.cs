namespace Loggia.Storage.Retention;

/// <summary>One line of the retention audit log: what was deleted from which block, when and why.</summary>
/// <param name="Time">When the change was published.</param>
/// <param name="Tenant">The block's tenant.</param>
/// <param name="BlockId">The block that was dropped or replaced.</param>
/// <param name="Action">Dropped or rewritten.</param>
/// <param name="ReplacementId">The block that replaced it (rewritten only).</param>
/// <param name="RowsDeleted">Entries removed.</param>
/// <param name="RowsKept">Entries kept in the replacement.</param>
/// <param name="Streams">The streams that lost entries, each with the rule that applied and its cutoff.</param>
public sealed record RetentionRecord(
    DateTimeOffset Time,
    string Tenant,
    string BlockId,
    RetentionAction Action,
    string? ReplacementId,
    long RowsDeleted,
    long RowsKept,
    IReadOnlyList<RetentionStreamRecord> Streams);

/// <summary>One stream of a <see cref="RetentionRecord"/>.</summary>
/// <param name="Labels">The stream's labels.</param>
/// <param name="Rule">The <c>retention_stream</c> selector that applied, or <c>retention_period</c>.</param>
/// <param name="Period">The period that applied.</param>
/// <param name="CutoffNanos">Entries older than this (Unix nanoseconds) were deleted.</param>
/// <param name="RowsDeleted">Entries of this stream removed.</param>
public sealed record RetentionStreamRecord(string Labels, string Rule, TimeSpan Period, long CutoffNanos, long RowsDeleted);
