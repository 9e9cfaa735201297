namespace Loggia.Storage.Head;

/// <summary>A sorted slice of an entry array that nobody will change again: what a snapshot reads.</summary>
internal readonly record struct HeadRun(HeadEntry[] Entries, int Start, int Count)
{
    public ReadOnlySpan<HeadEntry> Span => Entries.AsSpan(Start, Count);

    public long FirstTimestamp => Entries[Start].TimestampNanos;

    public long LastTimestamp => Entries[Start + Count - 1].TimestampNanos;
}
