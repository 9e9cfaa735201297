namespace Loggia.Storage.Blocks;

/// <summary>
/// Where a block's row groups end: after the entry that brings the group's raw bytes (line plus 16 per entry) to
/// <c>BlockWriterOptions.RowGroupRawBytes</c>, and after the last entry. One rule for the Parquet writer and for the
/// indexes built beside it, so the blooms of row group <i>n</i> describe exactly its rows.
/// </summary>
internal struct RowGroupCut(long rawBytesPerGroup)
{
    private long _raw;
    private bool _open;

    /// <summary>Whether an entry was added since the last cut (the last group is cut after the last entry).</summary>
    public readonly bool HasOpenGroup => _open;

    /// <summary>Counts <paramref name="entry"/> into the current group; true when the group ends with it.</summary>
    public bool Add(BlockEntry entry)
    {
        _raw += entry.Line.Length + 16;
        if (_raw >= rawBytesPerGroup)
        {
            _raw = 0;
            _open = false;
            return true;
        }

        _open = true;
        return false;
    }
}
