namespace Loggia.Storage.Head;

/// <summary>The counts of one append; per-entry outcomes go to the span the caller passes.</summary>
/// <param name="Appended">Entries stored.</param>
/// <param name="Duplicates">Entries dropped silently as exact duplicates (same timestamp and line).</param>
/// <param name="AppendedBytes">Line plus structured-metadata bytes of the stored entries.</param>
/// <param name="Rejections">The rejected entries (<c>too_far_behind</c>), or null when none was.</param>
public readonly record struct HeadAppendResult(int Appended, int Duplicates, long AppendedBytes, IReadOnlyList<HeadRejection>? Rejections)
{
    /// <summary>Entries rejected as too far behind.</summary>
    public int Rejected => Rejections?.Count ?? 0;
}
