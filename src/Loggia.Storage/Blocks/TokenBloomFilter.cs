using System.Buffers.Binary;

namespace Loggia.Storage.Blocks;

/// <summary>
/// A standard bloom filter over 64-bit token hashes, sized from the distinct-token count for a target false-positive
/// rate: m = −n·ln p / (ln 2)² bits (rounded up to 64), k = round(m/n · ln 2) probes, probe i at
/// (h₁ + i·h₂) mod m with h₁, h₂ the low and high halves of the hash (Kirsch–Mitzenmacher double hashing).
/// </summary>
/// <remarks>
/// Standard rather than split-block: a query probes a handful of tokens per row group, so probe cost does not
/// matter, and the standard filter reaches its configured rate exactly (a split-block filter needs about a third
/// more bits for the same rate). Format: docs/formats/block.md.
/// </remarks>
public sealed class TokenBloomFilter
{
    private const int MaxHashCount = 16;
    private readonly ulong[] _words;
    private readonly ulong _bitCount;

    private TokenBloomFilter(ulong[] words, int hashCount)
    {
        _words = words;
        _bitCount = (ulong)words.Length * 64;
        HashCount = hashCount;
    }

    /// <summary>Number of probes per token.</summary>
    public int HashCount { get; }

    /// <summary>Size of the bit array in bytes.</summary>
    public int SizeBytes => _words.Length * 8;

    /// <summary>Creates an empty filter for <paramref name="distinctTokens"/> tokens at <paramref name="falsePositiveRate"/>.</summary>
    public static TokenBloomFilter Create(long distinctTokens, double falsePositiveRate)
    {
        if (!(falsePositiveRate is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "must be in (0, 1)");
        }

        var n = Math.Max(1, distinctTokens);
        var bits = Math.Ceiling(-n * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        var words = (long)Math.Min(Math.Ceiling(bits / 64), Array.MaxLength);
        var k = (int)Math.Clamp(Math.Round(words * 64.0 / n * Math.Log(2)), 1, MaxHashCount);
        return new TokenBloomFilter(new ulong[words], k);
    }

    /// <summary>Adds a token hash.</summary>
    public void Add(ulong hash)
    {
        var h1 = (uint)hash;
        var h2 = (uint)(hash >> 32);
        for (var i = 0; i < HashCount; i++)
        {
            var bit = (h1 + ((ulong)i * h2)) % _bitCount;
            _words[bit >> 6] |= 1UL << (int)(bit & 63);
        }
    }

    /// <summary>False when the token is certainly absent; true when it may be present.</summary>
    public bool MayContain(ulong hash)
    {
        var h1 = (uint)hash;
        var h2 = (uint)(hash >> 32);
        for (var i = 0; i < HashCount; i++)
        {
            var bit = (h1 + ((ulong)i * h2)) % _bitCount;
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every hash may be present (false as soon as one is certainly absent).</summary>
    public bool MayContainAll(ReadOnlySpan<ulong> hashes)
    {
        foreach (var hash in hashes)
        {
            if (!MayContain(hash))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Bytes this filter needs in <see cref="WriteTo"/>.</summary>
    internal int SerializedSize => 1 + 4 + SizeBytes;

    /// <summary>Writes <c>u8 k · u32 word count · words (u64 little-endian)</c>.</summary>
    internal void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)HashCount;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], (uint)_words.Length);
        var span = destination[5..];
        for (var i = 0; i < _words.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[(i * 8)..], _words[i]);
        }
    }

    /// <summary>Reads a filter written by <see cref="WriteTo"/>; null when the bytes are not a valid filter.</summary>
    internal static TokenBloomFilter? TryRead(ref ReadOnlySpan<byte> source)
    {
        if (source.Length < 5)
        {
            return null;
        }

        int k = source[0];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(source[1..]);
        if (k is < 1 or > MaxHashCount || count == 0 || count > (uint)(source.Length - 5) / 8)
        {
            return null;
        }

        var words = new ulong[count];
        var span = source.Slice(5, (int)count * 8);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[(i * 8)..]);
        }

        source = source[(5 + ((int)count * 8))..];
        return new TokenBloomFilter(words, k);
    }
}
