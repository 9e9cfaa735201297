using System.Text;

namespace Loggia.Query.Execution;

/// <summary>
/// Recognises RE2 regexes that are really literals, so matching can skip the regex engine. Only a small,
/// unambiguous subset is recognised (anything unusual falls back to a real regex, which is always correct):
/// plain characters, escaped punctuation, an optional leading <c>(?i)</c>, top-level alternation of such
/// literals, an optional single enclosing group, and <c>.*</c> at either end (line filters only).
/// </summary>
internal static class RegexLiterals
{
    /// <summary>Characters with a meaning in RE2 outside a character class.</summary>
    private const string MetaCharacters = @"\.+*?()|[]{}^$";

    /// <summary>Decodes <paramref name="re"/> as one literal (no alternation, no flags).</summary>
    public static bool TryParseLiteral(ReadOnlySpan<char> re, out string literal)
    {
        var sb = new StringBuilder(re.Length);
        for (var i = 0; i < re.Length; i++)
        {
            var c = re[i];
            if (c == '\\')
            {
                // Only escaped punctuation is a literal; \d, \w, \b, \Q… are classes or assertions.
                if (i + 1 >= re.Length || !IsEscapableLiteral(re[i + 1]))
                {
                    literal = "";
                    return false;
                }
                sb.Append(re[++i]);
                continue;
            }
            if (MetaCharacters.Contains(c, StringComparison.Ordinal))
            {
                literal = "";
                return false;
            }
            sb.Append(c);
        }
        literal = sb.ToString();
        return true;
    }

    /// <summary>
    /// Splits <c>a|b|c</c> (optionally wrapped in one <c>(…)</c> or <c>(?:…)</c>) into literals. A single
    /// literal is a one-element alternation. Returns false when any branch is not a plain literal.
    /// </summary>
    public static bool TryParseAlternation(string re, out string[] literals)
    {
        literals = [];
        var body = StripGroup(re.AsSpan());
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length && body[i] == '\\')
            {
                i++;
                continue;
            }
            if (i == body.Length || body[i] == '|')
            {
                if (!TryParseLiteral(body[start..i], out var lit))
                {
                    return false;
                }
                parts.Add(lit);
                start = i + 1;
            }
        }
        literals = [.. parts];
        return true;
    }

    /// <summary>Removes a leading <c>(?i)</c>; reports whether it was there.</summary>
    public static string StripCaseInsensitiveFlag(string re, out bool caseInsensitive)
    {
        caseInsensitive = re.StartsWith("(?i)", StringComparison.Ordinal);
        return caseInsensitive ? re[4..] : re;
    }

    /// <summary>Removes <c>.*</c> at both ends (for unanchored searches they change nothing).</summary>
    public static string StripDotStars(string re)
    {
        var s = re;
        while (s.StartsWith(".*", StringComparison.Ordinal))
        {
            s = s[2..];
        }
        // A trailing ".*" is not a literal ".*" only when its '.' is not escaped.
        while (s.EndsWith(".*", StringComparison.Ordinal) && !IsEscapedAt(s, s.Length - 2))
        {
            s = s[..^2];
        }
        return s;
    }

    private static bool IsEscapedAt(string s, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && s[i] == '\\'; i--)
        {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static ReadOnlySpan<char> StripGroup(ReadOnlySpan<char> re)
    {
        if (re.Length < 2 || re[0] != '(' || re[^1] != ')' || IsEscapedAt(re.ToString(), re.Length - 1))
        {
            return re;
        }
        var inner = re[1..^1];
        if (inner.StartsWith("?:"))
        {
            inner = inner[2..];
        }
        else if (inner.StartsWith("?"))
        {
            return re; // named group or flags: leave to the regex engine
        }
        // The group must span the whole regex: no other unescaped parentheses inside.
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\')
            {
                i++;
                continue;
            }
            if (inner[i] is '(' or ')')
            {
                return re;
            }
        }
        return inner;
    }

    private static bool IsEscapableLiteral(char c) =>
        c < 0x80 && !char.IsAsciiLetterOrDigit(c) && c != '_' && !char.IsWhiteSpace(c);
}
