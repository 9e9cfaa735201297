using Loggia.Core.Hashing;

namespace Loggia.Storage.Blocks;

/// <summary>A write-only stream that forwards to another and keeps the CRC32C and length of what passed.</summary>
internal sealed class ChecksumStream(Stream inner) : Stream
{
    private uint _crc = Crc32C.Seed;

    public uint Checksum => Crc32C.Finish(_crc);

    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc = Crc32C.Update(_crc, buffer);
        Written += buffer.Length;
        inner.Write(buffer);
    }
}
