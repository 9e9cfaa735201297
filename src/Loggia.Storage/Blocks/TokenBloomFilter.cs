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

    /// <summary>
    /// The bit array as bytes: bit b is bit (b mod 8) of byte b / 8, which is exactly the serialized layout of
    /// little-endian 64-bit words, so a filter read from a sidecar uses the sidecar's bytes without copying.
    /// </summary>
    private readonly ReadOnlyMemory<byte> _bits;
    private readonly byte[]? _writable;
    private readonly ulong _bitCount;

    private TokenBloomFilter(ReadOnlyMemory<byte> bits, byte[]? writable, int hashCount)
    {
        _bits = bits;
        _writable = writable;
        _bitCount = (ulong)bits.Length * 8;
        HashCount = hashCount;
    }

    /// <summary>Number of probes per token.</summary>
    public int HashCount { get; }

    /// <summary>Size of the bit array in bytes.</summary>
    public int SizeBytes => _bits.Length;

    /// <summary>Creates an empty filter for <paramref name="distinctTokens"/> tokens at <paramref name="falsePositiveRate"/>.</summary>
    public static TokenBloomFilter Create(long distinctTokens, double falsePositiveRate)
    {
        if (!(falsePositiveRate is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, "must be in (0, 1)");
        }

        var n = Math.Max(1, distinctTokens);
        var bits = Math.Ceiling(-n * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        var words = (long)Math.Min(Math.Ceiling(bits / 64), Array.MaxLength / 8);
        var k = (int)Math.Clamp(Math.Round(words * 64.0 / n * Math.Log(2)), 1, MaxHashCount);
        var array = new byte[words * 8];
        return new TokenBloomFilter(array, array, k);
    }

    /// <summary>Adds a token hash (only to a filter made by <see cref="Create"/>).</summary>
    public void Add(ulong hash)
    {
        var bits = _writable ?? throw new InvalidOperationException("a filter read from a sidecar is read-only");
        var (bit, step) = FirstProbe(hash);
        for (var i = 0; i < HashCount; i++)
        {
            bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            bit = NextProbe(bit, step);
        }
    }

    /// <summary>False when the token is certainly absent; true when it may be present.</summary>
    public bool MayContain(ulong hash)
    {
        var bits = _bits.Span;
        var (bit, step) = FirstProbe(hash);
        for (var i = 0; i < HashCount; i++)
        {
            if ((bits[(int)(bit >> 3)] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }

            bit = NextProbe(bit, step);
        }

        return true;
    }

    /// <summary>
    /// Probe 0, (h₁ + 0·h₂) mod m, and the step h₂ mod m. Probe i + 1 is probe i plus the step, less m when it reaches
    /// m: the same bits as (h₁ + i·h₂) mod m with two divisions a token instead of one a probe.
    /// </summary>
    private (ulong Bit, ulong Step) FirstProbe(ulong hash) => ((uint)hash % _bitCount, (uint)(hash >> 32) % _bitCount);

    private ulong NextProbe(ulong bit, ulong step)
    {
        var next = bit + step;
        return next >= _bitCount ? next - _bitCount : next;
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
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], (uint)(_bits.Length / 8));
        _bits.Span.CopyTo(destination[5..]);
    }

    /// <summary>
    /// Reads a filter written by <see cref="WriteTo"/> from <paramref name="source"/> (at <paramref name="offset"/>,
    /// advanced past it), keeping a slice of <paramref name="source"/> rather than a copy; null when the bytes are not
    /// a valid filter.
    /// </summary>
    internal static TokenBloomFilter? TryRead(ReadOnlyMemory<byte> source, ref int offset)
    {
        var span = source.Span[offset..];
        if (span.Length < 5)
        {
            return null;
        }

        int k = span[0];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(span[1..]);
        if (k is < 1 or > MaxHashCount || count == 0 || count > (uint)(span.Length - 5) / 8)
        {
            return null;
        }

        var bits = source.Slice(offset + 5, (int)count * 8);
        offset += 5 + bits.Length;
        return new TokenBloomFilter(bits, null, k);
    }
}
