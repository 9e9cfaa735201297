namespace Loggia.Query.Execution;

/// <summary>
/// <c>|= ip("…")</c>: whether the line contains an IP address the pattern accepts. Candidates are found the way
/// Loki does (so the same text is considered an address): a digit followed by a '.' within three bytes starts an
/// IPv4 candidate over <c>[0-9.]</c>; a short hex run followed by ':' (or "::" + hex) starts an IPv6 candidate
/// over <c>[0-9a-fA-F:.]</c>; a candidate that does not parse or match is skipped as a whole.
/// </summary>
internal sealed class IpPredicate(IpAddressMatcher matcher) : LinePredicate
{
    public override int Cost => 5;

    public override bool Matches(ReadOnlySpan<byte> line)
    {
        var n = line.Length;
        Span<char> candidate = stackalloc char[64];
        for (var i = 0; i < n; i++)
        {
            int span;
            if (i + 3 < n && IsIPv4Hint(line, i))
            {
                span = SpanOf(line[i..], ipv6: false);
            }
            else if (i + 4 < n && IsIPv6Hint(line, i))
            {
                span = SpanOf(line[i..], ipv6: true);
            }
            else
            {
                continue;
            }
            if (span <= candidate.Length)
            {
                for (var k = 0; k < span; k++)
                {
                    candidate[k] = (char)line[i + k];
                }
                if (IpAddressMatcher.TryParseAddress(candidate[..span], out var v6, out var value) && matcher.Contains(v6, value))
                {
                    return true;
                }
            }
            // Loki skips the whole candidate and the byte after it (the loop's own increment).
            i += span;
        }
        return false;
    }

    private static bool IsIPv4Hint(ReadOnlySpan<byte> l, int i) =>
        char.IsAsciiDigit((char)l[i]) && (l[i + 1] == '.' || l[i + 2] == '.' || l[i + 3] == '.');

    private static bool IsIPv6Hint(ReadOnlySpan<byte> l, int i)
    {
        if (l[i] == ':' && l[i + 1] == ':' && IsHex(l[i + 2]))
        {
            return true;
        }
        // One to four hex digits followed by ':'.
        for (var k = 0; k < 4; k++)
        {
            if (!IsHex(l[i + k]))
            {
                return false;
            }
            if (l[i + k + 1] == ':')
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int SpanOf(ReadOnlySpan<byte> s, bool ipv6)
    {
        var i = 0;
        while (i < s.Length && (char.IsAsciiDigit((char)s[i]) || s[i] == '.' || (ipv6 && (s[i] == ':' || IsHex(s[i])))))
        {
            i++;
        }
        return i;
    }
}
