using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Streaming PLAIN decoder over one page's values. Each Read call decodes up to the destination length
/// and returns the count, fewer only when the data ends. Booleans keep their bit position across calls.
/// </summary>
public ref struct PlainDecoder
{
    private static readonly ulong[] s_spreadBits = CreateSpreadTable();

    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private int _bitPosition;

    /// <summary>Creates a decoder over <paramref name="data"/>.</summary>
    public PlainDecoder(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    /// <summary>Bytes consumed so far (a partially read boolean byte counts as consumed).</summary>
    public readonly int BytesConsumed => _position + (_bitPosition > 0 ? 1 : 0);

    /// <summary>Decodes INT32 values.</summary>
    public int ReadInt32(scoped Span<int> destination) => ReadFixed(destination);

    /// <summary>Decodes INT64 values.</summary>
    public int ReadInt64(scoped Span<long> destination) => ReadFixed(destination);

    /// <summary>Decodes FLOAT values.</summary>
    public int ReadFloat(scoped Span<float> destination) => ReadFixed(destination);

    /// <summary>Decodes DOUBLE values.</summary>
    public int ReadDouble(scoped Span<double> destination) => ReadFixed(destination);

    /// <summary>Decodes little-endian fixed-width values of <typeparamref name="T"/>.</summary>
    public int ReadFixed<T>(scoped Span<T> destination)
        where T : unmanaged
    {
        var size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var n = Math.Min(destination.Length, (_data.Length - _position) / size);
        var bytes = n * size;
        var target = MemoryMarshal.AsBytes(destination[..n]);
        _data.Slice(_position, bytes).CopyTo(target);
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes; i += size)
            {
                target.Slice(i, size).Reverse();
            }
        }

        _position += bytes;
        return n;
    }

    /// <summary>Decodes bit-packed booleans (LSB first), continuing from the bit where the previous call stopped.</summary>
    public int ReadBoolean(scoped Span<bool> destination)
    {
        var available = ((long)(_data.Length - _position) * 8) - _bitPosition;
        var n = (int)Math.Min(destination.Length, available);
        var i = 0;

        // Finish a partially consumed byte.
        while (i < n && _bitPosition != 0)
        {
            destination[i++] = ((_data[_position] >> _bitPosition) & 1) != 0;
            if (++_bitPosition == 8)
            {
                _bitPosition = 0;
                _position++;
            }
        }

        // Whole bytes: eight booleans per table lookup.
        var target = MemoryMarshal.AsBytes(destination);
        var table = s_spreadBits;
        while (n - i >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(target.Slice(i, 8), table[_data[_position++]]);
            i += 8;
        }

        while (i < n)
        {
            destination[i++] = ((_data[_position] >> _bitPosition) & 1) != 0;
            _bitPosition++;
        }

        return n;
    }

    /// <summary>
    /// Decodes up to offsets.Length - 1 BYTE_ARRAY values into <paramref name="output"/> and returns the count.
    /// offsets[0] is output.Length before the call and offsets[k] the end of value k - 1 (see <see cref="ByteArrayAccumulator"/>).
    /// </summary>
    /// <exception cref="ParquetFormatException">A length prefix is truncated, negative or runs past the data.</exception>
    public int ReadByteArrays(scoped Span<int> offsets, ByteArrayAccumulator output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (offsets.IsEmpty)
        {
            return 0;
        }

        var max = offsets.Length - 1;
        offsets[0] = output.Length;
        var n = 0;
        while (n < max && _position < _data.Length)
        {
            if (_data.Length - _position < 4)
            {
                throw new ParquetFormatException("BYTE_ARRAY length prefix is truncated", _position);
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(_data.Slice(_position, 4));
            if (length < 0 || length > _data.Length - _position - 4)
            {
                throw new ParquetFormatException($"BYTE_ARRAY length {length} runs past the end of the page", _position);
            }

            output.Append(_data.Slice(_position + 4, length));
            _position += 4 + length;
            offsets[++n] = output.Length;
        }

        return n;
    }

    private static ulong[] CreateSpreadTable()
    {
        var table = new ulong[256];
        for (var b = 0; b < 256; b++)
        {
            ulong v = 0;
            for (var bit = 0; bit < 8; bit++)
            {
                v |= (ulong)((b >> bit) & 1) << (8 * bit);
            }

            table[b] = v;
        }

        return table;
    }
}
