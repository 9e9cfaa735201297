using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Streaming decoder for the RLE / bit-packed hybrid encoding. The span holds the runs only (no length
/// prefix, no bit-width byte). Values are produced in batches into caller spans; nothing is allocated.
/// </summary>
/// <remarks>
/// A bit-packed run always yields a multiple of 8 values, so the last run can yield padding values beyond
/// the real count: callers ask for exactly the number of values they expect. A final bit-packed run that is
/// cut short yields only the values whose bits are fully present (as parquet-mr and Arrow tolerate);
/// <see cref="Read"/> then returns fewer values than requested, which callers treat as truncated data.
/// </remarks>
public ref struct RleBitPackedHybridDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _bitWidth;
    private int _position;

    // Current RLE run.
    private long _rleRemaining;
    private int _rleValue;

    // Current bit-packed run: values not yet unpacked (the run starts at _position).
    private long _packedRemaining;

    // Values unpacked from a partially consumed group.
    private Int8 _buffer;
    private int _bufferPosition;
    private int _bufferCount;

    /// <summary>Creates a decoder over <paramref name="data"/> for values of <paramref name="bitWidth"/> (0..32) bits.</summary>
    public RleBitPackedHybridDecoder(ReadOnlySpan<byte> data, int bitWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bitWidth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitWidth, 32);
        _data = data;
        _bitWidth = bitWidth;
    }

    /// <summary>Bytes of the input consumed so far (run headers and the bytes of unpacked groups).</summary>
    public readonly int BytesConsumed => _position;

    /// <summary>
    /// Decodes up to <paramref name="destination"/>.Length values and returns how many were written;
    /// fewer only when the data ends.
    /// </summary>
    /// <exception cref="ParquetFormatException">A run header or RLE value is malformed or truncated.</exception>
    public int Read(scoped Span<int> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_bufferPosition < _bufferCount)
            {
                var n = Math.Min(_bufferCount - _bufferPosition, destination.Length - written);
                ((ReadOnlySpan<int>)_buffer).Slice(_bufferPosition, n).CopyTo(destination[written..]);
                _bufferPosition += n;
                written += n;
            }
            else if (_rleRemaining > 0)
            {
                var n = (int)Math.Min(_rleRemaining, destination.Length - written);
                destination.Slice(written, n).Fill(_rleValue);
                _rleRemaining -= n;
                written += n;
            }
            else if (_packedRemaining > 0)
            {
                written += ReadPacked(destination[written..]);
            }
            else if (!ReadRunHeader())
            {
                break;
            }
        }

        return written;
    }

    private int ReadPacked(scoped Span<int> destination)
    {
        var w = _bitWidth;
        var groups = (int)Math.Min(destination.Length >> 3, _packedRemaining >> 3);
        if (groups > 0)
        {
            // Whole groups straight into the destination, as long as the kernel's over-read stays inside the data.
            if (w > 0)
            {
                var safe = (_data.Length - _position - BitPacking.ReadSlack) / w;
                groups = Math.Min(groups, Math.Max(safe, 0));
            }

            if (groups > 0)
            {
                BitPacking.UnpackGroups32(
                    ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), _position),
                    ref MemoryMarshal.GetReference(destination),
                    groups,
                    w);
                _position += groups * w;
                _packedRemaining -= groups * 8;
                return groups * 8;
            }
        }

        // One group (possibly partial at the end of truncated data) through the zero-padded scratch buffer.
        UnpackOneGroupSafely();
        return 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UnpackOneGroupSafely()
    {
        var w = _bitWidth;
        Span<byte> scratch = stackalloc byte[32 + BitPacking.ReadSlack];
        scratch.Clear();
        var available = Math.Min(w, _data.Length - _position);
        _data.Slice(_position, available).CopyTo(scratch);
        BitPacking.UnpackGroups32(ref MemoryMarshal.GetReference(scratch), ref _buffer[0], 1, w);
        var count = (int)Math.Min(8, _packedRemaining);
        _position += available;
        _packedRemaining -= count;
        _bufferPosition = 0;
        _bufferCount = count;
    }

    private bool ReadRunHeader()
    {
        if (_position >= _data.Length)
        {
            return false;
        }

        var headerOffset = _position;
        var header = VarInt.ReadUInt32(_data, ref _position);
        var count = (long)(header >> 1);
        if ((header & 1) == 0)
        {
            var valueBytes = (_bitWidth + 7) >> 3;
            if (_data.Length - _position < valueBytes)
            {
                throw new ParquetFormatException("RLE run value is truncated", _position);
            }

            uint value = 0;
            for (var i = 0; i < valueBytes; i++)
            {
                value |= (uint)_data[_position + i] << (8 * i);
            }

            if (_bitWidth < 32 && value >> _bitWidth != 0)
            {
                throw new ParquetFormatException($"RLE run value {value} does not fit in {_bitWidth} bits", _position);
            }

            _position += valueBytes;
            _rleValue = (int)value;
            _rleRemaining = count;
        }
        else
        {
            var values = count * 8;
            if (_bitWidth > 0)
            {
                var availableValues = (long)(_data.Length - _position) * 8 / _bitWidth;
                if (availableValues < values)
                {
                    if (availableValues == 0)
                    {
                        throw new ParquetFormatException("bit-packed run is truncated", headerOffset);
                    }

                    values = availableValues;
                }
            }

            _packedRemaining = values;
        }

        return true;
    }

    [InlineArray(8)]
    private struct Int8
    {
        private int _element;
    }
}
