using System.Runtime.CompilerServices;

namespace Loggia.Storage.TermIndex;

/// <summary>
/// A blocked Bloom filter over (term hash, hour of the day) pairs: the day segment's store for terms seen on a single
/// line of the day (ADR 0006). The 64-byte block is chosen by the term hash alone, so the 24 hours of one term are
/// all answered by one block (one page read per term per day); the bits inside it by the term hash and the hour.
/// A false positive can only add an hour holding "one line" of a term, never hide one. Format: docs/formats/terms.md.
/// </summary>
internal sealed class TermHourBloom
{
    /// <summary>Bytes in a block (512 bits, one cache line).</summary>
    public const int BlockBytes = 64;

    private const int BlockBits = BlockBytes * 8;
    private const int BitsPerProbe = 9; // log2(BlockBits)

    private readonly byte[] _bits;
    private readonly int _probes;

    /// <summary>An empty filter of <paramref name="blocks"/> blocks, probing <see cref="ProbesFor"/> bits per pair.</summary>
    public TermHourBloom(int blocks, int bitsPerEntry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        _bits = new byte[blocks * BlockBytes];
        _probes = ProbesFor(bitsPerEntry);
    }

    /// <summary>The filter's bytes, block after block.</summary>
    public ReadOnlySpan<byte> Bytes => _bits;

    /// <summary>The blocks needed for <paramref name="entries"/> pairs at <paramref name="bitsPerEntry"/> bits each (at least one).</summary>
    public static int BlocksFor(long entries, int bitsPerEntry) =>
        (int)Math.Clamp(((entries * bitsPerEntry) + BlockBits - 1) / BlockBits, 1, int.MaxValue / BlockBytes);

    /// <summary>Bits set per pair: the optimum for a Bloom filter, bits × ln 2, within what one 64-bit mix can give.</summary>
    public static int ProbesFor(int bitsPerEntry) => Math.Clamp((int)Math.Round(bitsPerEntry * 0.693), 1, 64 / BitsPerProbe);

    /// <summary>The block holding every hour of <paramref name="hash"/>.</summary>
    public static int BlockOf(ulong hash, int blocks) => (int)(((hash >> 32) * (ulong)(uint)blocks) >> 32);

    /// <summary>Adds the pair (<paramref name="hash"/>, <paramref name="hour"/> of the day).</summary>
    public void Add(ulong hash, int hour)
    {
        var block = _bits.AsSpan(BlockOf(hash, _bits.Length / BlockBytes) * BlockBytes, BlockBytes);
        var bits = Mix(hash, hour);
        for (var i = 0; i < _probes; i++)
        {
            var bit = (int)(bits & (BlockBits - 1));
            block[bit >> 3] |= (byte)(1 << (bit & 7));
            bits >>= BitsPerProbe;
        }
    }

    /// <summary>Whether <paramref name="block"/> (the term's block, <see cref="BlockOf"/>) may hold the pair.</summary>
    public static bool MayContain(ReadOnlySpan<byte> block, ulong hash, int hour, int probes)
    {
        var bits = Mix(hash, hour);
        for (var i = 0; i < probes; i++)
        {
            var bit = (int)(bits & (BlockBits - 1));
            if ((block[bit >> 3] & (1 << (bit & 7))) == 0)
            {
                return false;
            }

            bits >>= BitsPerProbe;
        }

        return true;
    }

    /// <summary>The 64-bit word the pair's bit positions are cut from (SplitMix64's finalizer over hash and hour).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong hash, int hour)
    {
        var z = hash + ((ulong)(hour + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
