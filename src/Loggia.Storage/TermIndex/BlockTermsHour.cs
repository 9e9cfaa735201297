namespace Loggia.Storage.TermIndex;

/// <summary>One hour of a block's term list: the distinct term and pair hashes (ascending) and the lines holding each.</summary>
/// <param name="Hour">Hours since the Unix epoch (UTC).</param>
/// <param name="Hashes">Distinct hashes, ascending.</param>
/// <param name="Lines">Per hash, the entries of that hour whose line or metadata contains it.</param>
public sealed record BlockTermsHour(long Hour, ulong[] Hashes, uint[] Lines)
{
    /// <summary>The line count of <paramref name="hash"/>, 0 when absent.</summary>
    public uint LinesOf(ulong hash)
    {
        var i = Array.BinarySearch(Hashes, hash);
        return i >= 0 ? Lines[i] : 0;
    }
}
