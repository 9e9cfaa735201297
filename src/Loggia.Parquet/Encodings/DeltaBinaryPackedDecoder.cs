using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Loggia.Parquet.Encodings;

/// <summary>
/// Streaming DELTA_BINARY_PACKED decoder. Accepts any block size that is a positive multiple of 128 and
/// any miniblock count giving a multiple of 32 values per miniblock. Miniblocks are unpacked 32 values at
/// a time with width-specialised kernels; nothing is allocated.
/// </summary>
/// <remarks>
/// INT32 streams are decoded with 64-bit arithmetic and truncated, which equals the 32-bit wrapping
/// arithmetic the writer used. The constructor validates the header and rejects value counts the data
/// could not possibly hold, so <see cref="TotalValueCount"/> is safe to size buffers with.
/// </remarks>
public ref struct DeltaBinaryPackedDecoder
{
    private const int GroupSize = 32;

    /// <summary>
    /// Largest accepted block size. Known writers use 128 (parquet-mr, Arrow) up to a few thousand; the cap keeps a
    /// tiny malformed header from describing billions of zero-width values.
    /// </summary>
    public const int MaxBlockSize = 1 << 20;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _valuesPerMiniblock;
    private readonly int _miniblocksPerBlock;
    private readonly long _firstValue;
    private int _position;

    // Values not yet decoded (into the destination or the buffer).
    private int _remaining;
    private bool _firstPending;
    private long _last;

    // Current block and miniblock.
    private long _minDelta;
    private int _bitWidthsPosition;
    private int _miniblockIndex;
    private int _groupsLeftInMiniblock;
    private int _bitWidth;

    private Long32 _buffer;
    private int _bufferPosition;
    private int _bufferCount;

    /// <summary>Parses and validates the header of the stream at the start of <paramref name="data"/>.</summary>
    /// <exception cref="ParquetFormatException">The header is malformed or claims more values than the data can hold.</exception>
    public DeltaBinaryPackedDecoder(ReadOnlySpan<byte> data)
    {
        _data = data;
        var pos = 0;
        var blockSize = VarInt.ReadUInt32(data, ref pos);
        var miniblocks = VarInt.ReadUInt32(data, ref pos);
        var count = VarInt.ReadUInt32(data, ref pos);
        _firstValue = VarInt.ZigZagDecode(VarInt.ReadUInt64(data, ref pos));
        if (blockSize == 0 || blockSize % 128 != 0 || blockSize > MaxBlockSize)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED block size {blockSize} is not a positive multiple of 128 up to {MaxBlockSize}", 0);
        }

        if (miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % GroupSize != 0)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED miniblock count {miniblocks} does not divide block size {blockSize} into multiples of 32", 0);
        }

        if (count > int.MaxValue)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED value count {count} is too large", 0);
        }

        // Every block costs at least one byte of min delta plus one bit-width byte per miniblock.
        var blocks = count <= 1 ? 0 : ((long)count - 1 + blockSize - 1) / blockSize;
        if (blocks * (1 + (long)miniblocks) > data.Length - pos)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED header claims {count} values but the data is too short to hold them", 0);
        }

        _valuesPerMiniblock = (int)(blockSize / miniblocks);
        _miniblocksPerBlock = (int)miniblocks;
        TotalValueCount = (int)count;
        _remaining = (int)count;
        _firstPending = count > 0;
        _position = pos;
        _miniblockIndex = _miniblocksPerBlock; // forces a block header before the first delta
    }

    /// <summary>Number of values in the stream, from the header.</summary>
    public int TotalValueCount { get; }

    /// <summary>
    /// Bytes consumed so far. Once every value has been read (see <see cref="Skip"/>), this is the exact
    /// length of the encoded stream including the padding of the last miniblock.
    /// </summary>
    public readonly int BytesConsumed => _position;

    /// <summary>Values not yet returned.</summary>
    public readonly int RemainingValueCount => _remaining + (_bufferCount - _bufferPosition);

    /// <summary>Decodes up to destination.Length INT64 values; returns the count (fewer only at the end of the stream).</summary>
    /// <exception cref="ParquetFormatException">The data is malformed or truncated.</exception>
    public int ReadInt64(scoped Span<long> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_bufferPosition < _bufferCount)
            {
                var n = Math.Min(_bufferCount - _bufferPosition, destination.Length - written);
                ((ReadOnlySpan<long>)_buffer).Slice(_bufferPosition, n).CopyTo(destination[written..]);
                _bufferPosition += n;
                written += n;
            }
            else if (_remaining == 0)
            {
                break;
            }
            else if (_firstPending)
            {
                destination[written++] = TakeFirst();
            }
            else if (_remaining >= GroupSize && destination.Length - written >= GroupSize)
            {
                DecodeGroup(destination.Slice(written, GroupSize));
                written += GroupSize;
            }
            else
            {
                FillBuffer();
            }
        }

        return written;
    }

    /// <summary>Decodes up to destination.Length INT32 values; returns the count (fewer only at the end of the stream).</summary>
    /// <exception cref="ParquetFormatException">The data is malformed or truncated.</exception>
    public int ReadInt32(scoped Span<int> destination)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_bufferPosition < _bufferCount)
            {
                var n = Math.Min(_bufferCount - _bufferPosition, destination.Length - written);
                ReadOnlySpan<long> source = ((ReadOnlySpan<long>)_buffer).Slice(_bufferPosition, n);
                var target = destination.Slice(written, n);
                for (var i = 0; i < source.Length; i++)
                {
                    target[i] = unchecked((int)source[i]);
                }

                _bufferPosition += n;
                written += n;
            }
            else if (_remaining == 0)
            {
                break;
            }
            else if (_firstPending)
            {
                destination[written++] = unchecked((int)TakeFirst());
            }
            else
            {
                FillBuffer();
            }
        }

        return written;
    }

    /// <summary>Skips up to <paramref name="count"/> values; returns how many were skipped.</summary>
    public int Skip(int count)
    {
        Span<long> scratch = stackalloc long[128];
        var skipped = 0;
        while (skipped < count)
        {
            var n = ReadInt64(scratch[..Math.Min(scratch.Length, count - skipped)]);
            if (n == 0)
            {
                break;
            }

            skipped += n;
        }

        return skipped;
    }

    private long TakeFirst()
    {
        _firstPending = false;
        _last = _firstValue;
        _remaining--;
        return _firstValue;
    }

    private void FillBuffer()
    {
        var n = Math.Min(GroupSize, _remaining);
        DecodeGroup(_buffer);
        _bufferPosition = 0;
        _bufferCount = n;
    }

    /// <summary>Decodes the next 32 deltas of the current miniblock into absolute values (only the first min(32, remaining) are meaningful).</summary>
    private void DecodeGroup(scoped Span<long> destination)
    {
        if (_groupsLeftInMiniblock == 0)
        {
            NextMiniblock();
        }

        var w = _bitWidth;
        var groupBytes = 4 * w;
        ref var target = ref Unsafe.As<long, ulong>(ref MemoryMarshal.GetReference(destination));
        if (_data.Length - _position >= groupBytes + BitPacking.ReadSlack)
        {
            BitPacking.UnpackGroups64(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), _position), ref target, GroupSize / 8, w);
        }
        else
        {
            UnpackGroupFromTail(ref target, w);
        }

        var n = Math.Min(GroupSize, _remaining);
        var last = _last;
        var minDelta = _minDelta;
        for (var i = 0; i < destination.Length; i++)
        {
            last = unchecked(last + minDelta + destination[i]);
            destination[i] = last;
        }

        _last = destination[n - 1];
        _position += groupBytes;
        _groupsLeftInMiniblock--;
        _remaining -= n;
        if (_remaining == 0)
        {
            // Skip the padding of the last miniblock (validated present when the miniblock started).
            _position += _groupsLeftInMiniblock * groupBytes;
            _groupsLeftInMiniblock = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void UnpackGroupFromTail(ref ulong target, int w)
    {
        Span<byte> scratch = stackalloc byte[(4 * 64) + BitPacking.ReadSlack];
        scratch.Clear();
        _data.Slice(_position, 4 * w).CopyTo(scratch);
        BitPacking.UnpackGroups64(ref MemoryMarshal.GetReference(scratch), ref target, GroupSize / 8, w);
    }

    private void NextMiniblock()
    {
        _miniblockIndex++;
        if (_miniblockIndex >= _miniblocksPerBlock)
        {
            _minDelta = VarInt.ZigZagDecode(VarInt.ReadUInt64(_data, ref _position));
            if (_data.Length - _position < _miniblocksPerBlock)
            {
                throw new ParquetFormatException("DELTA_BINARY_PACKED miniblock bit widths are truncated", _position);
            }

            _bitWidthsPosition = _position;
            _position += _miniblocksPerBlock;
            _miniblockIndex = 0;
        }

        // Bit widths of miniblocks that are never started (end of the last block) may hold garbage; only used ones are checked.
        int w = _data[_bitWidthsPosition + _miniblockIndex];
        if (w > 64)
        {
            throw new ParquetFormatException($"DELTA_BINARY_PACKED miniblock bit width {w} exceeds 64", _bitWidthsPosition + _miniblockIndex);
        }

        if ((long)_valuesPerMiniblock * w / 8 > _data.Length - _position)
        {
            throw new ParquetFormatException("DELTA_BINARY_PACKED miniblock is truncated", _position);
        }

        _bitWidth = w;
        _groupsLeftInMiniblock = _valuesPerMiniblock / GroupSize;
    }

    [InlineArray(32)]
    private struct Long32
    {
        private long _element;
    }
}
