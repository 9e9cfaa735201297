using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Loggia.Ingest.Files;

/// <summary>
/// Device and inode of a path or an open file through libc's <c>stat</c>/<c>fstat</c>: .NET has no
/// public inode API. glibc ≥ 2.33 exports <c>stat</c> and <c>fstat</c> as real symbols (older ones
/// only <c>__xstat</c>); Debian bookworm has 2.36. Only <c>st_dev</c> (offset 0) and <c>st_ino</c>
/// (offset 8) are read; both offsets are the same in the x86-64 and the generic (arm64) layouts.
/// </summary>
internal static unsafe partial class FileStatNative
{
    private const string LibC = "libc";

    // Larger than struct stat on every 64-bit Linux ABI (144 bytes on x86-64, 128 on arm64).
    private const int StatBufferSize = 256;

    [LibraryImport(LibC, EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, byte* buffer);

    [LibraryImport(LibC, EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);

    /// <summary>The identity of <paramref name="path"/> (following symlinks), or false when it does not exist or cannot be read.</summary>
    public static bool TryGetIdentity(string path, out FileIdentity identity)
    {
        identity = default;
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path);
        }

        var buffer = stackalloc byte[StatBufferSize];
        if (Stat(path, buffer) != 0)
        {
            return false;
        }

        identity = Read(buffer);
        return true;
    }

    /// <summary>The identity of the open file behind <paramref name="handle"/>.</summary>
    public static FileIdentity GetIdentity(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = stackalloc byte[StatBufferSize];
            return FStat((int)handle.DangerousGetHandle(), buffer) == 0 ? Read(buffer) : default;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static FileIdentity Read(byte* buffer) => new(*(ulong*)buffer, *(ulong*)(buffer + 8));
}
