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

    // Built lazily: machines with the instruction never need it.
    private static uint[]? s_table;

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

    internal static uint UpdateTable(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = s_table ??= BuildTable();
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (int)(one & 0xFF)]
                ^ t[(6 * 256) + (int)((one >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((one >> 16) & 0xFF)]
                ^ t[(4 * 256) + (int)(one >> 24)]
                ^ t[(3 * 256) + (int)(two & 0xFF)]
                ^ t[(2 * 256) + (int)((two >> 8) & 0xFF)]
                ^ t[256 + (int)((two >> 16) & 0xFF)]
                ^ t[(int)(two >> 24)];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = t[(int)((crc ^ b) & 0xFF)] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
