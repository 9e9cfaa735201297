using Loggia.Core.IO;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Storage.Wal;

/// <summary>The segment the writer appends to. Owned by the writer thread alone.</summary>
internal sealed class WalSegmentFile : IDisposable
{
    private readonly SafeFileHandle _handle;

    private WalSegmentFile(ulong sequence, string path, SafeFileHandle handle, long length)
    {
        Sequence = sequence;
        Path = path;
        _handle = handle;
        Length = length;
    }

    public ulong Sequence { get; }

    public string Path { get; }

    /// <summary>Bytes written to the file so far (header included).</summary>
    public long Length { get; private set; }

    /// <summary>
    /// Creates the segment, writes its header and makes both the header and the directory entry durable,
    /// so that a record can never live in a file that a crash could make vanish.
    /// </summary>
    public static WalSegmentFile Create(string directory, ulong sequence)
    {
        string path = System.IO.Path.Combine(directory, WalFormat.SegmentFileName(sequence));

        // CreateNew: sequences are never reused; an existing file means something else is writing here.
        SafeFileHandle handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        try
        {
            Span<byte> header = stackalloc byte[WalFormat.SegmentHeaderSize];
            WalFormat.WriteSegmentHeader(header, sequence);
            RandomAccess.Write(handle, header, 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Flush(directory);
            return new WalSegmentFile(sequence, path, handle, WalFormat.SegmentHeaderSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends <paramref name="data"/> at the end with one positional write.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        RandomAccess.Write(_handle, data, Length);
        Length += data.Length;
    }

    /// <summary>fsync: data and the file size reach stable storage.</summary>
    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
