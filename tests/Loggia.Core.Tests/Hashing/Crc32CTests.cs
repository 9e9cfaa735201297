using System.Text;
using Loggia.Core.Hashing;

namespace Loggia.Core.Tests.Hashing;

public class Crc32CTests
{
    [Fact]
    public void Crc32C_OfCheckString_IsTheStandardCheckValue()
    {
        // The CRC catalogue's check value for CRC-32C (iSCSI).
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Crc32C_OfEmptyInput_IsZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32C_Of32Zeros_MatchesRfc3720Vector()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void Crc32C_HardwareAndTablePaths_AgreeOnEveryLengthAndAlignment()
    {
        byte[] data = Encoding.UTF8.GetBytes(new string('x', 10) + "Loggia write-ahead log checksum test data, long enough to use the wide loop.");
        new Random(7).NextBytes(data.AsSpan(10));
        for (int start = 0; start < 8; start++)
        {
            for (int length = 0; length <= data.Length - start; length++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(start, length);
                Assert.Equal(Crc32C.UpdateTable(Crc32C.Seed, slice), Crc32C.UpdateHardware(Crc32C.Seed, slice));
            }
        }
    }

    [Fact]
    public void Crc32C_ComputedInPieces_EqualsOneShot()
    {
        byte[] data = new byte[1000];
        new Random(3).NextBytes(data);
        uint running = Crc32C.Update(Crc32C.Seed, data.AsSpan(0, 333));
        running = Crc32C.Update(running, data[333]);
        running = Crc32C.Update(running, data.AsSpan(334));
        Assert.Equal(Crc32C.Compute(data), Crc32C.Finish(running));
    }
}
