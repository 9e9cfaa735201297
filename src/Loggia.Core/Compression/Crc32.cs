namespace Loggia.Core.Compression;

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as used by gzip, computed slicing-by-8.</summary>
internal static class Crc32
{
    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Hashing.SlicingBy8Crc32.Ieee.Update(0xFFFFFFFFu, data);
}
