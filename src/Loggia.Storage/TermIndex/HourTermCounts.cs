namespace Loggia.Storage.TermIndex;

/// <summary>The term index's answer for one hour of a tenant.</summary>
/// <param name="Hour">Hours since the Unix epoch (UTC).</param>
/// <param name="Lines">Per asked hash (same order), the published entries of the hour whose line terms or metadata pairs include it.</param>
/// <param name="Complete">False when some block of the hour has no readable term data, so its entries are not counted.</param>
public sealed record HourTermCounts(long Hour, uint[] Lines, bool Complete);
