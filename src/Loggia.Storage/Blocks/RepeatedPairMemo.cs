namespace Loggia.Storage.Blocks;

/// <summary>
/// Remembers the metadata pairs of the previous row by position, so a pair that repeats it (the same name and value
/// at the same place — most pairs of a stream's rows: host, scope, severity, …) can skip folding, hashing and the set
/// probe. Fixed slots: up to <see cref="Slots"/> pairs of at most <see cref="SlotBytes"/> bytes each are remembered;
/// longer or later pairs are simply never reported as repeated.
/// </summary>
internal sealed class RepeatedPairMemo
{
    private const int Slots = 16;
    private const int SlotBytes = 96;
    private readonly byte[] _bytes = new byte[Slots * SlotBytes];
    private readonly int[] _nameLengths = new int[Slots];
    private readonly int[] _valueLengths = new int[Slots];

    public RepeatedPairMemo() => Clear();

    /// <summary>
    /// Whether pair <paramref name="position"/> of this row equals the one at that position of the previous row;
    /// when not, remembers it for the next row.
    /// </summary>
    public bool Repeats(int position, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (position >= Slots || name.Length + value.Length > SlotBytes)
        {
            return false;
        }

        var slot = _bytes.AsSpan(position * SlotBytes, SlotBytes);
        if (_nameLengths[position] == name.Length && _valueLengths[position] == value.Length
            && name.SequenceEqual(slot[..name.Length]) && value.SequenceEqual(slot.Slice(name.Length, value.Length)))
        {
            return true;
        }

        name.CopyTo(slot);
        value.CopyTo(slot[name.Length..]);
        _nameLengths[position] = name.Length;
        _valueLengths[position] = value.Length;
        return false;
    }

    /// <summary>Forgets every pair (a new row group starts with an empty set).</summary>
    public void Clear() => Array.Fill(_nameLengths, -1);
}
