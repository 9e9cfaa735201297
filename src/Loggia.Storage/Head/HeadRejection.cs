namespace Loggia.Storage.Head;

/// <summary>An entry the head refused, with what the server needs to answer as Loki does (HTTP 400).</summary>
/// <param name="Index">Position of the entry in the appended span.</param>
/// <param name="TimestampNanos">The entry's timestamp.</param>
/// <param name="CutoffNanos">The oldest timestamp the stream accepted at that moment.</param>
public readonly record struct HeadRejection(int Index, long TimestampNanos, long CutoffNanos)
{
    /// <summary>Loki's discard reason (the <c>reason</c> label of its discarded-samples metric).</summary>
    public const string TooFarBehindReason = "too_far_behind";

    /// <summary>
    /// Loki's error text (<c>chunkenc.ErrTooFarBehind</c>): <c>entry too far behind, entry timestamp is: …, oldest
    /// acceptable timestamp is: …</c>, both times in Go's RFC 3339 (whole seconds, UTC <c>Z</c>).
    /// </summary>
    public string Message =>
        $"entry too far behind, entry timestamp is: {GoTime.FormatRfc3339(TimestampNanos)}, oldest acceptable timestamp is: {GoTime.FormatRfc3339(CutoffNanos)}";
}
