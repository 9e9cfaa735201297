namespace Loggia.Core.IO;

/// <summary>
/// A write-only stream that forwards every write to another stream, counts the bytes, and lets an
/// observer see them (e.g. to checksum a file while it is written, without reading it back).
/// Writers use it to know offsets on streams that cannot seek.
/// </summary>
public sealed class ObservedWriteStream(Stream inner, Action<ReadOnlySpan<byte>>? observer = null) : Stream
{
    private readonly Stream _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Bytes written through this stream.</summary>
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

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        observer?.Invoke(buffer);
        Written += buffer.Length;
        _inner.Write(buffer);
    }
}
