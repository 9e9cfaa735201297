using Loggia.Core.Hashing;
using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Storage.Wal;

/// <summary>
/// Reads one segment file sequentially for recovery, validating every record, and reports the first
/// damage it meets. It reads in large chunks into one pooled buffer (grown for records larger than it),
/// so replay costs a few big reads per segment, not two syscalls per record.
/// </summary>
internal sealed class WalSegmentReader : IDisposable
{
    private const int ChunkBytes = 1024 * 1024;

    private readonly SafeFileHandle _handle;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferCount;

    public WalSegmentReader(SafeFileHandle handle)
    {
        _handle = handle;
        Length = RandomAccess.GetLength(handle);
        _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    }

    /// <summary>File length when the reader was created.</summary>
    public long Length { get; }

    /// <summary>Offset just after the last valid record (or the header): where a truncation would cut.</summary>
    public long GoodEnd { get; private set; }

    /// <summary>
    /// Validates the segment header. Returns <see cref="WalDamage.None"/> when it is good.
    /// Throws <see cref="NotSupportedException"/> for an intact header of a newer format version: skipping it
    /// would silently ignore acknowledged data, so a downgrade must be refused, not "recovered".
    /// </summary>
    public WalDamage ReadSegmentHeader(ulong expectedSequence)
    {
        if (Length < WalFormat.SegmentHeaderSize)
        {
            return WalDamage.ShortSegmentHeader;
        }

        ReadOnlySpan<byte> header = Load(0, WalFormat.SegmentHeaderSize);
        if (!header[..8].SequenceEqual(WalFormat.Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(header[20..]) != Crc32C.Compute(header[..20]))
        {
            return WalDamage.BadSegmentHeader;
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != WalFormat.Version)
        {
            throw new NotSupportedException(
                $"WAL segment format version {version} is not supported by this build (it reads version {WalFormat.Version}); refusing to open rather than skip its records.");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header[12..]) != expectedSequence)
        {
            return WalDamage.BadSegmentHeader;
        }

        GoodEnd = WalFormat.SegmentHeaderSize;
        return WalDamage.None;
    }

    /// <summary>
    /// Reads the record at <see cref="GoodEnd"/>. Returns false at the end of the segment, with
    /// <paramref name="damage"/> telling whether it ended cleanly. The payload is valid until the next call.
    /// </summary>
    public bool TryReadNext(out long offset, out byte type, out ReadOnlySpan<byte> payload, out WalDamage damage)
    {
        offset = GoodEnd;
        type = 0;
        payload = default;
        long remaining = Length - offset;
        if (remaining == 0)
        {
            damage = WalDamage.None;
            return false;
        }

        if (remaining < WalFormat.RecordHeaderSize)
        {
            damage = WalDamage.ShortRecordHeader;
            return false;
        }

        ReadOnlySpan<byte> header = Load(offset, WalFormat.RecordHeaderSize);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        type = header[8];
        if (length > WalFormat.MaxRecordBytesLimit)
        {
            damage = WalDamage.LengthTooLarge;
            return false;
        }

        if (length > remaining - WalFormat.RecordHeaderSize)
        {
            damage = WalDamage.LengthBeyondEnd;
            return false;
        }

        int recordBytes = WalFormat.RecordHeaderSize + (int)length;
        ReadOnlySpan<byte> record = Load(offset, recordBytes);
        payload = record[WalFormat.RecordHeaderSize..];
        if (WalFormat.RecordChecksum(type, payload) != storedCrc)
        {
            payload = default;
            damage = WalDamage.ChecksumMismatch;
            return false;
        }

        GoodEnd = offset + recordBytes;
        damage = WalDamage.None;
        return true;
    }

    /// <summary>Returns <paramref name="count"/> bytes at <paramref name="offset"/> (which the caller checked exist).</summary>
    private ReadOnlySpan<byte> Load(long offset, int count)
    {
        if (offset < _bufferStart || offset + count > _bufferStart + _bufferCount)
        {
            Fill(offset, count);
        }

        return _buffer.AsSpan((int)(offset - _bufferStart), count);
    }

    private void Fill(long offset, int count)
    {
        if (count > _buffer.Length)
        {
            byte[] old = _buffer;
            _buffer = ArrayPool<byte>.Shared.Rent(count);
            ArrayPool<byte>.Shared.Return(old);
        }

        // Read ahead as far as the buffer allows: sequential replay then needs one read per chunk.
        int wanted = (int)Math.Min(_buffer.Length, Length - offset);
        int read = 0;
        while (read < wanted)
        {
            int n = RandomAccess.Read(_handle, _buffer.AsSpan(read, wanted - read), offset + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        if (read < count)
        {
            throw new IOException($"WAL segment shrank while being replayed (expected {count} bytes at offset {offset}, got {read}).");
        }

        _bufferStart = offset;
        _bufferCount = read;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _bufferCount = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
