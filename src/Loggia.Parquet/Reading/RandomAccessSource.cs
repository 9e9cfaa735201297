using Microsoft.Win32.SafeHandles;

namespace Loggia.Parquet.Reading;

/// <summary>Positional reads from a file or a memory buffer (pread; no shared stream position).</summary>
internal abstract class RandomAccessSource : IDisposable
{
    public abstract long Length { get; }

    public abstract string? Path { get; }

    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes at <paramref name="offset"/>.</summary>
    public abstract void ReadExactly(long offset, Span<byte> destination);

    public virtual void Dispose()
    {
    }

    public static RandomAccessSource OpenFile(string path) => new FileSource(path);

    public static RandomAccessSource FromMemory(ReadOnlyMemory<byte> memory) => new MemorySource(memory);

    protected void CheckRange(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ParquetFormatException($"read of {length} bytes at offset {offset} goes past the end of the file ({Length} bytes)", offset, Path);
        }
    }

    private sealed class FileSource : RandomAccessSource
    {
        private readonly SafeFileHandle _handle;

        public FileSource(string path)
        {
            Path = path;
            _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.RandomAccess);
            Length = RandomAccess.GetLength(_handle);
        }

        public override long Length { get; }

        public override string? Path { get; }

        public override void ReadExactly(long offset, Span<byte> destination)
        {
            CheckRange(offset, destination.Length);
            while (!destination.IsEmpty)
            {
                var read = RandomAccess.Read(_handle, destination, offset);
                if (read <= 0)
                {
                    throw new ParquetFormatException("the file ended while reading (was it truncated while open?)", offset, Path);
                }

                destination = destination[read..];
                offset += read;
            }
        }

        public override void Dispose()
        {
            _handle.Dispose();
            base.Dispose();
        }
    }

    private sealed class MemorySource(ReadOnlyMemory<byte> memory) : RandomAccessSource
    {
        public override long Length => memory.Length;

        public override string? Path => null;

        public override void ReadExactly(long offset, Span<byte> destination)
        {
            CheckRange(offset, destination.Length);
            memory.Span.Slice((int)offset, destination.Length).CopyTo(destination);
        }
    }
}
