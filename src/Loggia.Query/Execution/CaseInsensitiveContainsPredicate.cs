using System.Text;

namespace Loggia.Query.Execution;

/// <summary>
/// A case-insensitive substring filter, what Loki turns <c>|~ "(?i)needle"</c> into. It follows Loki's
/// <c>containsLower</c>: the needle is lower-cased once; candidate starts are found by comparing the first
/// byte with ASCII folding (vectorized here with <c>IndexOfAny</c>); the rest compares ASCII with folding and
/// other runes by lower-casing the line's rune. Invalid UTF-8 bytes are compared as raw bytes.
/// </summary>
internal sealed class CaseInsensitiveContainsPredicate : LinePredicate
{
    private readonly byte[] _needle;
    private readonly byte _first;
    private readonly byte _firstUpper;

    private CaseInsensitiveContainsPredicate(byte[] lowerNeedle)
    {
        _needle = lowerNeedle;
        _first = lowerNeedle[0];
        _firstUpper = _first is >= (byte)'a' and <= (byte)'z' ? (byte)(_first - 32) : _first;
    }

    public static LinePredicate Create(string needle) =>
        needle.Length == 0 ? True : new CaseInsensitiveContainsPredicate(Encoding.UTF8.GetBytes(needle.ToLowerInvariant()));

    public override int Cost => 2;

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        var needle = _needle;
        var maxStart = line.Length - needle.Length;
        var i = 0;
        while (i <= maxStart)
        {
            var found = line[i..(maxStart + 1)].IndexOfAny(_first, _firstUpper);
            if (found < 0)
            {
                return false;
            }
            i += found;
            if (MatchesAt(line, i, needle))
            {
                return true;
            }
            i++;
        }
        return false;
    }

    private static bool MatchesAt(ReadOnlySpan<byte> line, int start, ReadOnlySpan<byte> needle)
    {
        var l = start;
        var n = 0;
        while (l < line.Length && n < needle.Length)
        {
            var c = line[l];
            var s = needle[n];
            if (c < 0x80 && s < 0x80)
            {
                if (FoldAscii(c) != s)
                {
                    return false;
                }
                l++;
                n++;
                continue;
            }
            if (Rune.DecodeFromUtf8(line[l..], out var lr, out var lineSize) != System.Buffers.OperationStatus.Done)
            {
                // Invalid UTF-8 in the line: compare the raw byte, as Loki does.
                if (FoldAscii(c) != s)
                {
                    return false;
                }
                l++;
                n++;
                continue;
            }
            if (Rune.DecodeFromUtf8(needle[n..], out var nr, out var needleSize) != System.Buffers.OperationStatus.Done
                || Rune.ToLowerInvariant(lr) != nr)
            {
                return false;
            }
            l += lineSize;
            n += needleSize;
        }
        return n == needle.Length;
    }

    private static byte FoldAscii(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c + 32) : c;
}
