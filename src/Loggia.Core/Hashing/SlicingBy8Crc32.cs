using System.Buffers.Binary;

namespace Loggia.Core.Hashing;

/// <summary>
/// Table-driven reflected CRC-32 for any polynomial, eight bytes per step (slicing-by-8): the
/// software engine behind <see cref="Crc32C"/> (when the CPU has no CRC32C instruction) and the
/// gzip CRC-32. Callers handle the initial value and the final inversion.
/// </summary>
internal sealed class SlicingBy8Crc32
{
    private readonly uint[] _table;

    public SlicingBy8Crc32(uint reflectedPolynomial)
    {
        _table = BuildTable(reflectedPolynomial);
    }

    /// <summary>Gzip/zlib/Ethernet CRC-32 (IEEE 802.3).</summary>
    public static SlicingBy8Crc32 Ieee { get; } = new(0xEDB88320u);

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = _table;
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

    private static uint[] BuildTable(uint polynomial)
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? polynomial ^ (c >> 1) : c >> 1;
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
