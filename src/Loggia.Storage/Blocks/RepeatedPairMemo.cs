using Loggia.Core.Tokens;

namespace Loggia.Storage.Blocks;

/// <summary>
/// Remembers the metadata pairs of the previous row by position, so a pair that repeats it (the same name and value
/// at the same place — most pairs of a stream's rows: host, scope, severity, …) can skip folding, hashing and the set
/// probe (its hash is remembered). Fixed slots: up to <see cref="Slots"/> pairs of at most <see cref="SlotBytes"/> bytes each are remembered;
/// longer or later pairs are simply never reported as repeated.
/// </summary>
internal sealed class RepeatedPairMemo
{
    private const int Slots = 16;
    private const int SlotBytes = 96;
    private readonly byte[] _bytes = new byte[Slots * SlotBytes];
    private readonly int[] _nameLengths = new int[Slots];
    private readonly int[] _valueLengths = new int[Slots];
    private readonly ulong[] _hashes = new ulong[Slots];

    public RepeatedPairMemo() => Clear();

    /// <summary>
    /// The <see cref="Terms.HashPair(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> of pair <paramref name="position"/> of
    /// this row; <paramref name="repeated"/> tells whether the previous row had the same pair at that place. A pair
    /// that differs is remembered for the next row.
    /// </summary>
    public ulong Hash(int position, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out bool repeated)
    {
        if (position >= Slots || name.Length + value.Length > SlotBytes)
        {
            repeated = false;
            return Terms.HashPair(name, value);
        }

        var slot = _bytes.AsSpan(position * SlotBytes, SlotBytes);
        if (_nameLengths[position] == name.Length && _valueLengths[position] == value.Length
            && name.SequenceEqual(slot[..name.Length]) && value.SequenceEqual(slot.Slice(name.Length, value.Length)))
        {
            repeated = true;
            return _hashes[position];
        }

        name.CopyTo(slot);
        value.CopyTo(slot[name.Length..]);
        _nameLengths[position] = name.Length;
        _valueLengths[position] = value.Length;
        repeated = false;
        return _hashes[position] = Terms.HashPair(name, value);
    }

    /// <summary>Forgets every pair (a new row group starts with an empty set).</summary>
    public void Clear() => Array.Fill(_nameLengths, -1);
}
