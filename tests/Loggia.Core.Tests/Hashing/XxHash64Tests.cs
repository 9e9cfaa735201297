using Loggia.Core.Hashing;

namespace Loggia.Core.Tests.Hashing;

/// <summary>
/// XXH64 values are persisted (stream fingerprints, bloom filters, term files), so ours must equal the reference
/// XXH64 for every length and seed: checked against Microsoft's System.IO.Hashing implementation.
/// </summary>
public sealed class XxHash64Tests
{
    [Fact]
    public void EqualsTheReference_ForEveryLengthUpTo300_AtEveryOffset()
    {
        var random = new Random(64);
        var buffer = new byte[400];
        random.NextBytes(buffer);
        for (var length = 0; length <= 300; length++)
        {
            // Offsets 0–7, so reads of 8 and 4 bytes are unaligned as they are in real lines.
            var offset = length % 8;
            var data = buffer.AsSpan(offset, length);
            var seed = length % 3 == 0 ? 0UL : (ulong)random.NextInt64();
            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(data, (long)seed), XxHash64.Hash(data, seed));
        }
    }

    [Fact]
    public void KnownValues_OfTheSpecification()
    {
        // From the xxHash repository's sanity checks (XXH64 of the empty input, seed 0 and seed PRIME32_1).
        Assert.Equal(0xEF46DB3751D8E999UL, XxHash64.Hash([]));
        Assert.Equal(0xAC75FDA2929B17EFUL, XxHash64.Hash([], 0x9E3779B1));
    }
}
