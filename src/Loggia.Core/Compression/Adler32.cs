namespace Loggia.Core.Compression;

/// <summary>Adler-32 (RFC 1950), the checksum at the end of a zlib stream.</summary>
public static class Adler32
{
    /// <summary>The largest number of bytes summed before the sums must be reduced to stay within 32 bits (zlib's NMAX).</summary>
    private const int MaxRun = 5552;

    private const uint Modulus = 65521;

    /// <summary>The Adler-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            int run = Math.Min(data.Length, MaxRun);
            foreach (byte value in data[..run])
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[run..];
        }

        return (b << 16) | a;
    }
}
