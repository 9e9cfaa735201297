using System.Buffers;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Growable buffer that collects decoded BYTE_ARRAY values back to back. The backing array is rented
/// from <see cref="ArrayPool{T}.Shared"/>, grows by doubling and is reused across batches after
/// <see cref="Clear"/>; <see cref="Dispose"/> returns it to the pool.
/// </summary>
/// <remarks>
/// Offset convention used by every decoder that fills an accumulator: for a call decoding <c>n</c> values
/// into <c>offsets</c>, <c>offsets[0]</c> is <see cref="Length"/> before the call and <c>offsets[k]</c>
/// (1 ≤ k ≤ n) is the end of value <c>k - 1</c>, so value <c>k</c> is <c>Data[offsets[k]..offsets[k + 1]]</c>.
/// Offsets are absolute positions in the accumulator, so batches decoded by successive calls stay consistent
/// until <see cref="Clear"/>. <see cref="Data"/> may be replaced when the buffer grows: re-read it after each call.
/// </remarks>
public sealed class ByteArrayAccumulator : IDisposable
{
    private byte[] _data;
    private int _length;

    /// <summary>Creates an accumulator with at least <paramref name="initialCapacity"/> bytes.</summary>
    public ByteArrayAccumulator(int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _data = initialCapacity == 0 ? [] : ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>The backing array; bytes [0, <see cref="Length"/>) are valid.</summary>
    public byte[] Data => _data;

    /// <summary>Number of bytes accumulated.</summary>
    public int Length => _length;

    /// <summary>The accumulated bytes.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _data.AsSpan(0, _length);

    /// <summary>Appends <paramref name="value"/>.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        if (value.Length > _data.Length - _length)
        {
            Grow(value.Length);
        }

        value.CopyTo(_data.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Extends <see cref="Length"/> by <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    public Span<byte> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _data.Length - _length)
        {
            Grow(count);
        }

        var span = _data.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Makes room for <paramref name="additional"/> more bytes without changing <see cref="Length"/>.</summary>
    public void EnsureCapacity(int additional)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(additional);
        if (additional > _data.Length - _length)
        {
            Grow(additional);
        }
    }

    /// <summary>Forgets the accumulated bytes, keeping the buffer for reuse.</summary>
    public void Clear() => _length = 0;

    /// <summary>Returns the buffer to the pool; the accumulator stays usable and rents again on demand.</summary>
    public void Dispose()
    {
        var data = _data;
        _data = [];
        _length = 0;
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private void Grow(int additional)
    {
        var required = (long)_length + additional;
        if (required > Array.MaxLength)
        {
            throw new InvalidOperationException($"byte array values exceed the maximum buffer size ({required} bytes)");
        }

        var newSize = (int)Math.Min(Math.Max(required, Math.Max(256, (long)_data.Length * 2)), Array.MaxLength);
        var newData = ArrayPool<byte>.Shared.Rent(newSize);
        _data.AsSpan(0, _length).CopyTo(newData);
        var old = _data;
        _data = newData;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}
