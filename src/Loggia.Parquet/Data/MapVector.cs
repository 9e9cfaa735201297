namespace Loggia.Parquet.Data;

/// <summary>
/// A column of string maps. Row i owns entries <c>EntryOffsets[i]..EntryOffsets[i+1]</c> of
/// <see cref="Keys"/> and <see cref="Values"/>; a null map has no entries and is flagged null,
/// an empty map has no entries and is not.
/// </summary>
public sealed class MapVector : ColumnVector
{
    private int[] _entryOffsets;

    /// <summary>Creates a vector with room for <paramref name="capacity"/> rows.</summary>
    public MapVector(int capacity = 1024)
    {
        _entryOffsets = new int[Math.Max(capacity, 1) + 1];
    }

    /// <summary>The keys of all entries, row after row.</summary>
    public BinaryVector Keys { get; } = new();

    /// <summary>The values of all entries, aligned with <see cref="Keys"/> (a value may be null in files from other writers).</summary>
    public BinaryVector Values { get; } = new();

    /// <summary>Entry offsets (Count + 1 entries).</summary>
    public ReadOnlySpan<int> EntryOffsets => _entryOffsets.AsSpan(0, Count + 1);

    /// <summary>Number of entries in row <paramref name="row"/>.</summary>
    public int EntryCount(int row) => _entryOffsets[row + 1] - _entryOffsets[row];

    /// <summary>Adds an entry to the row being built (call <see cref="EndRow"/> after the last one).</summary>
    public void AddEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Keys.Append(key);
        Values.Append(value);
    }

    /// <summary>Adds a UTF-8 entry to the row being built.</summary>
    public void AddEntry(string key, string value)
    {
        Keys.Append(key);
        Values.Append(value);
    }

    /// <summary>Closes the row whose entries were added since the previous row.</summary>
    public void EndRow()
    {
        Grow(ref _entryOffsets, Count + 2);
        Count++;
        _entryOffsets[Count] = Keys.Count;
    }

    /// <inheritdoc />
    public override void Clear()
    {
        base.Clear();
        Keys.Clear();
        Values.Clear();
        _entryOffsets[0] = 0;
    }

    private protected override void AppendDefault()
    {
        if (Keys.Count != _entryOffsets[Count])
        {
            throw new InvalidOperationException("a map row is open; call EndRow before appending a null");
        }

        EndRow();
    }

    /// <summary>Marks an already closed row as null.</summary>
    internal void SetNull(int row) => MarkNull(row);
}
