using System.Numerics;

namespace Loggia.Parquet.Encodings;

/// <summary>Number of bits needed to represent an unsigned value (0 for 0).</summary>
public static class BitWidth
{
    /// <summary>Bits needed to store <paramref name="maxValue"/>; 0 for 0, 32 for values with the top bit set.</summary>
    public static int Of(uint maxValue) => 32 - BitOperations.LeadingZeroCount(maxValue);

    /// <summary>Bits needed to store <paramref name="maxValue"/>; 0 for 0, 64 for values with the top bit set.</summary>
    public static int Of(ulong maxValue) => 64 - BitOperations.LeadingZeroCount(maxValue);
}
