using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// The writer's dictionary for fixed-width primitives (int, long, float, double). Values are keyed by their bit
/// pattern, so 0.0 and -0.0, and NaNs with different payloads, are distinct entries as Parquet requires.
/// Open addressing with linear probing; lookups do not allocate.
/// </summary>
/// <typeparam name="T">An unmanaged primitive of 4 or 8 bytes.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after the Parquet dictionary encoding; the name is part of the writer contract.")]
public sealed class PrimitiveDictionary<T>
    where T : unmanaged, IEquatable<T>
{
    private T[] _values = new T[64];
    private int[] _slots = new int[128]; // entry index + 1; 0 = empty
    private int _count;

    /// <summary>Creates an empty dictionary.</summary>
    public PrimitiveDictionary()
    {
        if (Unsafe.SizeOf<T>() is not (4 or 8))
        {
            throw new NotSupportedException($"PrimitiveDictionary supports 4- and 8-byte types, not {typeof(T)}");
        }
    }

    /// <summary>Number of distinct values.</summary>
    public int Count => _count;

    /// <summary>Total bytes of the distinct values (the PLAIN dictionary page body size).</summary>
    public long DataBytes => (long)_count * Unsafe.SizeOf<T>();

    /// <summary>The distinct values in index order.</summary>
    public ReadOnlySpan<T> Values => _values.AsSpan(0, _count);

    /// <summary>Returns the index of <paramref name="value"/> (compared bitwise), adding it if new.</summary>
    public int GetOrAdd(T value)
    {
        var bits = Bits(value);
        var slots = _slots;
        var mask = slots.Length - 1;
        var slot = (int)DictionaryHash.Hash64(bits) & mask;
        while (true)
        {
            var entry = slots[slot] - 1;
            if (entry < 0)
            {
                break;
            }

            if (Bits(_values[entry]) == bits)
            {
                return entry;
            }

            slot = (slot + 1) & mask;
        }

        return Add(value, slot);
    }

    /// <summary>Writes the dictionary page body: the values PLAIN-encoded in index order.</summary>
    public void WritePlain(IBufferWriter<byte> output) => PlainEncoder.WriteFixed(Values, output);

    /// <summary>Removes all values, keeping the buffers.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(T value) =>
        Unsafe.SizeOf<T>() == 8 ? Unsafe.As<T, ulong>(ref value) : Unsafe.As<T, uint>(ref value);

    private int Add(T value, int slot)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        var index = _count;
        _values[index] = value;
        _slots[slot] = index + 1;
        _count++;
        if (_count * 2 > _slots.Length)
        {
            var slots = new int[_slots.Length * 2];
            var mask = slots.Length - 1;
            for (var i = 0; i < _count; i++)
            {
                var s = (int)DictionaryHash.Hash64(Bits(_values[i])) & mask;
                while (slots[s] != 0)
                {
                    s = (s + 1) & mask;
                }

                slots[s] = i + 1;
            }

            _slots = slots;
        }

        return index;
    }
}
