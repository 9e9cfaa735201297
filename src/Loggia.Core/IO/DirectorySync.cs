using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Loggia.Core.IO;

/// <summary>
/// fsync of a directory, which makes file creations, deletions and renames in it durable.
/// </summary>
/// <remarks>
/// On Linux a new file's data can be on disk while its directory entry is not: after a power loss the file
/// is gone. POSIX's answer is to fsync the directory itself. .NET cannot do this: <c>File.OpenHandle</c>
/// refuses directories (it reports "access denied" after an fstat), so we call libc's
/// <c>open(O_RDONLY)</c>, <c>fsync</c> and <c>close</c> directly. On Windows, NTFS journals metadata and a
/// directory cannot be opened for flushing this way, so it is a no-op there.
/// </remarks>
public static partial class DirectorySync
{
    private const int ORdOnly = 0;

    // Same value on x64 and arm64 Linux (asm-generic) and harmless to omit elsewhere: keeps the fd out of children.
    private const int OCloExec = 0x80000;

    private const int EIntr = 4;

    /// <summary>Makes the entries of <paramref name="directory"/> durable. Throws <see cref="IOException"/> on failure.</summary>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int flags = OperatingSystem.IsLinux() ? ORdOnly | OCloExec : ORdOnly;
        int fd = Open(directory, flags);
        if (fd < 0)
        {
            throw Error("open", directory);
        }

        try
        {
            int result;
            do
            {
                result = FSync(fd);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == EIntr);

            if (result != 0)
            {
                throw Error("fsync", directory);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Error(string call, string directory)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call}({directory}) failed: {new Win32Exception(errno).Message} (errno {errno})", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
