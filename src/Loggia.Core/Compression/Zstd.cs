using System.Runtime.InteropServices;

namespace Loggia.Core.Compression;

/// <summary>
/// Facts about the system zstd library that <see cref="ZstdCompressor"/> and <see cref="ZstdDecompressor"/> bind to
/// (<c>libzstd.so.1</c>, Debian/Ubuntu package <c>libzstd1</c>).
/// </summary>
public static class Zstd
{
    /// <summary>The message raised when the library cannot be loaded.</summary>
    internal const string MissingLibraryMessage =
        "zstd compression needs the system library libzstd.so.1 (Debian/Ubuntu: apt-get install libzstd1)";

    private static readonly Lazy<(string? Version, Exception? Error)> Probe = new(ProbeLibrary);

    /// <summary>The version of the loaded libzstd (e.g. <c>1.5.4</c>).</summary>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    public static string Version
    {
        get
        {
            EnsureAvailable();
            return Probe.Value.Version!;
        }
    }

    /// <summary>Checks once that libzstd.so.1 can be loaded and throws a clear error when it cannot.</summary>
    /// <exception cref="InvalidOperationException">libzstd.so.1 is not installed.</exception>
    public static void EnsureAvailable()
    {
        if (Probe.Value.Error is { } error)
        {
            throw new InvalidOperationException(MissingLibraryMessage, error);
        }
    }

    /// <summary>Turns a zstd result code into an exception when it is an error.</summary>
    internal static nuint Check(nuint code, string operation)
    {
        if (ZstdNative.IsError(code) != 0)
        {
            throw new InvalidDataException($"zstd: {operation} failed: {ZstdNative.ErrorName(code)}");
        }

        return code;
    }

    private static (string? Version, Exception? Error) ProbeLibrary()
    {
        try
        {
            string version = Marshal.PtrToStringUTF8(ZstdNative.VersionString()) ?? FormatVersion(ZstdNative.VersionNumber());
            return (version, null);
        }
        catch (DllNotFoundException e)
        {
            return (null, e);
        }
        catch (EntryPointNotFoundException e)
        {
            return (null, e);
        }
    }

    private static string FormatVersion(uint number) => $"{number / 10000}.{number / 100 % 100}.{number % 100}";
}
