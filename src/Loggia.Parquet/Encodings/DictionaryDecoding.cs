using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Reader-side helpers for RLE_DICTIONARY: the dictionary page is PLAIN-decoded into arrays, the data page's
/// indices are decoded with <see cref="RleBitPackedHybridDecoder"/>, and these gathers map indices to values.
/// </summary>
public static class DictionaryDecoding
{
    /// <summary>destination[i] = dictionary[indices[i]] for every index.</summary>
    /// <exception cref="ParquetFormatException">An index is outside the dictionary.</exception>
    public static void Gather<T>(ReadOnlySpan<T> dictionary, ReadOnlySpan<int> indices, Span<T> destination)
    {
        if (destination.Length < indices.Length)
        {
            throw new ArgumentException("destination is shorter than indices", nameof(destination));
        }

        ref var dict = ref MemoryMarshal.GetReference(dictionary);
        ref var target = ref MemoryMarshal.GetReference(destination);
        var size = (uint)dictionary.Length;
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if ((uint)index >= size)
            {
                ThrowIndexOutOfRange(index, dictionary.Length, i);
            }

            Unsafe.Add(ref target, i) = Unsafe.Add(ref dict, index);
        }
    }

    /// <summary>
    /// Appends dictionary values <paramref name="indices"/> to <paramref name="output"/>. The dictionary is Arrow-style
    /// (value j is dictData[dictOffsets[j]..dictOffsets[j + 1]], non-decreasing offsets inside dictData, as produced
    /// by <see cref="PlainDecoder.ReadByteArrays"/>). offsets must hold indices.Length + 1 entries: offsets[0] is
    /// output.Length before the call and offsets[k] the end of value k - 1.
    /// </summary>
    /// <exception cref="ParquetFormatException">An index is outside the dictionary.</exception>
    public static void GatherByteArrays(
        ReadOnlySpan<byte> dictData,
        ReadOnlySpan<int> dictOffsets,
        ReadOnlySpan<int> indices,
        Span<int> offsets,
        ByteArrayAccumulator output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (offsets.Length < indices.Length + 1)
        {
            throw new ArgumentException("offsets must hold indices.Length + 1 entries", nameof(offsets));
        }

        var count = dictOffsets.Length - 1;
        long total = 0;
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            if ((uint)index >= (uint)count)
            {
                ThrowIndexOutOfRange(index, Math.Max(count, 0), i);
            }

            total += dictOffsets[index + 1] - dictOffsets[index];
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"dictionary values expand to {total} bytes, more than one buffer can hold");
        }

        var start = output.Length;
        var target = output.Reserve((int)total);
        offsets[0] = start;
        var o = 0;
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            var from = dictOffsets[index];
            var length = dictOffsets[index + 1] - from;
            dictData.Slice(from, length).CopyTo(target[o..]);
            o += length;
            offsets[i + 1] = start + o;
        }
    }

    private static void ThrowIndexOutOfRange(int index, int size, int position) =>
        throw new ParquetFormatException($"dictionary index {index} is out of range for a dictionary of {size} values (at value {position})");
}
