using System.Text.RegularExpressions;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>
/// Validates RE2 regexes with .NET's engine (NonBacktracking). Differences from Go's RE2: error texts
/// are mapped to Go's wording for the common cases only; a few RE2-only constructs (e.g. <c>\C</c>,
/// <c>\pN</c> without braces, <c>[[:^alpha:]]</c>) may be rejected, and some .NET-only syntax accepted.
/// </summary>
internal static class RegexValidation
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static string ToDotNet(string re2) => re2.Replace("(?P<", "(?<", StringComparison.Ordinal);

    /// <summary>Returns null when valid, otherwise Go's <c>error parsing regexp: ...</c> message.</summary>
    public static string? Validate(string re2, out Regex? compiled)
    {
        compiled = null;
        try
        {
            compiled = new Regex(ToDotNet(re2), RegexOptions.CultureInvariant, Timeout);
            return null;
        }
        catch (RegexParseException ex)
        {
            var what = ex.Error switch
            {
                RegexParseError.InsufficientClosingParentheses => "missing closing ): `" + re2 + "`",
                RegexParseError.InsufficientOpeningParentheses => "unexpected ): `" + re2 + "`",
                RegexParseError.UnterminatedBracket => "missing closing ]: `" + Tail(re2, '[') + "`",
                RegexParseError.QuantifierAfterNothing or RegexParseError.NestedQuantifiersNotParenthesized =>
                    "missing argument to repetition operator: `" + (re2.Length > ex.Offset - 1 && ex.Offset > 0 ? re2[ex.Offset - 1].ToString() : "*") + "`",
                RegexParseError.UnrecognizedEscape or RegexParseError.UnescapedEndingBackslash =>
                    "invalid escape sequence: `" + EscapeAt(re2, ex.Offset) + "`",
                RegexParseError.ReversedCharacterRange => "invalid character class range",
                _ => ex.Message,
            };
            return "error parsing regexp: " + what;
        }
        catch (ArgumentException ex)
        {
            return "error parsing regexp: " + ex.Message;
        }
    }

    private static string Tail(string re, char from)
    {
        var i = re.LastIndexOf(from);
        return i < 0 ? re : re[i..];
    }

    private static string EscapeAt(string re, int offset)
    {
        var i = Math.Min(Math.Max(offset - 2, 0), re.Length);
        var j = re.LastIndexOf('\\', Math.Max(0, Math.Min(re.Length - 1, i + 1)));
        if (j < 0)
        {
            return "\\";
        }
        return re.Substring(j, Math.Min(2, re.Length - j));
    }

    public static bool MatchesEmpty(string re2)
    {
        try
        {
            return Regex.IsMatch("", "^(?s:" + ToDotNet(re2) + ")$", RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
