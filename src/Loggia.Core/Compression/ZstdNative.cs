using System.Runtime.InteropServices;

namespace Loggia.Core.Compression;

/// <summary>Source-generated bindings to the system zstd library (<c>libzstd.so.1</c>).</summary>
internal static partial class ZstdNative
{
    internal const string LibraryName = "libzstd.so.1";

    /// <summary><c>ZSTD_CONTENTSIZE_UNKNOWN</c>.</summary>
    internal const ulong ContentSizeUnknown = ulong.MaxValue;

    /// <summary><c>ZSTD_CONTENTSIZE_ERROR</c>.</summary>
    internal const ulong ContentSizeError = ulong.MaxValue - 1;

    /// <summary><c>ZSTD_error_dstSize_tooSmall</c> from zstd_errors.h (stable).</summary>
    internal const int ErrorDstSizeTooSmall = 70;

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_versionNumber")]
    internal static partial uint VersionNumber();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_versionString")]
    internal static partial nint VersionString();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_minCLevel")]
    internal static partial int MinCLevel();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_maxCLevel")]
    internal static partial int MaxCLevel();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_compressBound")]
    internal static partial nuint CompressBound(nuint srcSize);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_isError")]
    internal static partial uint IsError(nuint code);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_getErrorName")]
    internal static partial nint GetErrorName(nuint code);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_getErrorCode")]
    internal static partial int GetErrorCode(nuint code);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_createCCtx")]
    internal static partial nint CreateCCtx();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_freeCCtx")]
    internal static partial nuint FreeCCtx(nint cctx);

    /// <summary><c>ZSTD_c_compressionLevel</c> (zstd.h, stable API since 1.4.0).</summary>
    internal const int ParameterCompressionLevel = 100;

    /// <summary><c>ZSTD_c_checksumFlag</c>: append an XXH64-based content checksum to every frame.</summary>
    internal const int ParameterChecksumFlag = 201;

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_CCtx_setParameter")]
    internal static partial nuint CCtxSetParameter(nint cctx, int parameter, int value);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_compress2")]
    internal static unsafe partial nuint Compress2(nint cctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_createDCtx")]
    internal static partial nint CreateDCtx();

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_freeDCtx")]
    internal static partial nuint FreeDCtx(nint dctx);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_decompressDCtx")]
    internal static unsafe partial nuint DecompressDCtx(nint dctx, byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(LibraryName, EntryPoint = "ZSTD_getFrameContentSize")]
    internal static unsafe partial ulong GetFrameContentSize(byte* src, nuint srcSize);

    internal static string ErrorName(nuint code) =>
        Marshal.PtrToStringUTF8(GetErrorName(code)) ?? $"error code {GetErrorCode(code)}";
}
