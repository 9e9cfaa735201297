using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// The writer's BYTE_ARRAY dictionary: an open-addressing (linear probing) hash table keyed by byte content.
/// Distinct values are stored back to back in one growable buffer with Arrow-style offsets. Lookups do not
/// allocate; growth doubles the arrays. Reuse an instance across column chunks with <see cref="Clear"/>.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after the Parquet dictionary encoding; the name is part of the writer contract.")]
public sealed class ByteArrayDictionary
{
    private byte[] _data = new byte[1024];
    private int _dataLength;
    private int[] _offsets = new int[65];   // _offsets[i]..[i + 1] bounds value i; _offsets[0] = 0
    private uint[] _hashes = new uint[64];  // low 32 bits of each value's hash
    private int[] _slots = new int[128];    // entry index + 1; 0 = empty
    private int _count;

    /// <summary>Number of distinct values.</summary>
    public int Count => _count;

    /// <summary>Sum of the lengths of the distinct values.</summary>
    public long DataBytes => _dataLength;

    /// <summary>Size of the PLAIN dictionary page body (<see cref="DataBytes"/> plus a 4-byte length per value).</summary>
    public long PlainEncodedSize => _dataLength + (4L * _count);

    /// <summary>The distinct values' bytes, in index order.</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, _dataLength);

    /// <summary>Offsets of the values in <see cref="Data"/>: value i is Data[Offsets[i]..Offsets[i + 1]] (Count + 1 entries).</summary>
    public ReadOnlySpan<int> Offsets => _offsets.AsSpan(0, _count + 1);

    /// <summary>Returns value <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return _data.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);
        }
    }

    /// <summary>Returns the index of <paramref name="value"/>, adding it if new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        var hash = (uint)DictionaryHash.HashBytes(value);
        var slots = _slots;
        var mask = slots.Length - 1;
        var slot = (int)hash & mask;
        while (true)
        {
            var entry = slots[slot] - 1;
            if (entry < 0)
            {
                break;
            }

            if (_hashes[entry] == hash)
            {
                var start = _offsets[entry];
                if (_data.AsSpan(start, _offsets[entry + 1] - start).SequenceEqual(value))
                {
                    return entry;
                }
            }

            slot = (slot + 1) & mask;
        }

        return Add(value, hash, slot);
    }

    /// <summary>Writes the dictionary page body: the values PLAIN-encoded in index order.</summary>
    public void WritePlain(IBufferWriter<byte> output) =>
        PlainEncoder.WriteByteArrays(Data, Offsets, output);

    /// <summary>Removes all values, keeping the buffers.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
        _dataLength = 0;
    }

    private int Add(ReadOnlySpan<byte> value, uint hash, int slot)
    {
        if ((long)_dataLength + value.Length > Array.MaxLength)
        {
            throw new InvalidOperationException("dictionary data exceeds the maximum buffer size");
        }

        if (value.Length > _data.Length - _dataLength)
        {
            var newSize = (int)Math.Min(Array.MaxLength, Math.Max((long)_data.Length * 2, (long)_dataLength + value.Length));
            Array.Resize(ref _data, newSize);
        }

        if (_count == _hashes.Length)
        {
            Array.Resize(ref _hashes, _hashes.Length * 2);
            Array.Resize(ref _offsets, _hashes.Length + 1);
        }

        var index = _count;
        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _hashes[index] = hash;
        _offsets[index + 1] = _dataLength;
        _slots[slot] = index + 1;
        _count++;
        if (_count * 2 > _slots.Length)
        {
            Rehash();
        }

        return index;
    }

    private void Rehash()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var i = 0; i < _count; i++)
        {
            var slot = (int)_hashes[i] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i + 1;
        }

        _slots = slots;
    }
}
