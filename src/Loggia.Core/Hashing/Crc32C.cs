using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Loggia.Core.Hashing;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as used by the WAL record framing.
/// Uses the CPU's CRC32 instruction (SSE4.2 on x64, CRC32 on Arm64) through
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, eight bytes per step; falls back to a
/// slicing-by-8 table elsewhere.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    /// <summary>Initial register value; <see cref="Finish"/> inverts it again.</summary>
    public const uint Seed = 0xFFFFFFFFu;

    private static readonly bool HasHardware = Sse42.X64.IsSupported || Crc32.Arm64.IsSupported;

    // Built on first use: machines with the CRC32C instruction never need the table.
    private static SlicingBy8Crc32? s_software;

    private static SlicingBy8Crc32 Software => s_software ??= new SlicingBy8Crc32(Polynomial);

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Seed, data));

    /// <summary>Feeds <paramref name="data"/> into a running (not yet finished) CRC register.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data) =>
        HasHardware ? UpdateHardware(crc, data) : UpdateTable(crc, data);

    /// <summary>Feeds one byte into a running CRC register.</summary>
    public static uint Update(uint crc, byte value) =>
        HasHardware ? BitOperations.Crc32C(crc, value) : UpdateTable(crc, [value]);

    /// <summary>Turns a running register into the published CRC value.</summary>
    public static uint Finish(uint crc) => ~crc;

    internal static uint UpdateHardware(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }

    internal static uint UpdateTable(uint crc, ReadOnlySpan<byte> data) => Software.Update(crc, data);
}
