namespace Loggia.Query.TermSearch;

/// <summary>One bucket of a term histogram (docs/terms.md defines each count precisely).</summary>
/// <param name="StartHour">First hour of the bucket (hours since the epoch, UTC).</param>
/// <param name="Hours">Hours of the bucket in which every term occurs (not necessarily on the same line).</param>
/// <param name="Lines">
/// Over those hours, the sum of the smallest line count among all the terms' hashes: an upper bound on the lines holding
/// every term (exact for a single one-token term).
/// </param>
/// <param name="TermLines">Per term, the sum over the bucket's hours of the smallest line count among its hashes.</param>
/// <param name="Complete">False when some block in the bucket had no readable term data (its lines are not counted).</param>
public sealed record TermHistogramBucket(long StartHour, long Hours, long Lines, long[] TermLines, bool Complete);
