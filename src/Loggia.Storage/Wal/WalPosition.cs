namespace Loggia.Storage.Wal;

/// <summary>
/// Where a record starts in the log: the segment's sequence number and the byte offset of the record's
/// header inside that segment file. Positions order records: a later record has a greater position.
/// <c>default</c> (segment 0) is before every record, since segment sequences start at 1.
/// </summary>
/// <param name="Segment">Sequence number of the segment file (its name).</param>
/// <param name="Offset">Byte offset of the record header in the segment file.</param>
public readonly record struct WalPosition(ulong Segment, long Offset) : IComparable<WalPosition>
{
    /// <summary>Orders by segment, then by offset.</summary>
    public int CompareTo(WalPosition other)
    {
        int bySegment = Segment.CompareTo(other.Segment);
        return bySegment != 0 ? bySegment : Offset.CompareTo(other.Offset);
    }

    /// <summary>True if <paramref name="left"/> is before <paramref name="right"/>.</summary>
    public static bool operator <(WalPosition left, WalPosition right) => left.CompareTo(right) < 0;

    /// <summary>True if <paramref name="left"/> is after <paramref name="right"/>.</summary>
    public static bool operator >(WalPosition left, WalPosition right) => left.CompareTo(right) > 0;

    /// <summary>True if <paramref name="left"/> is before or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(WalPosition left, WalPosition right) => left.CompareTo(right) <= 0;

    /// <summary>True if <paramref name="left"/> is after or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(WalPosition left, WalPosition right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => $"{Segment}:{Offset}";
}
