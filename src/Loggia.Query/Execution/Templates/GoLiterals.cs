using System.Globalization;
using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>Go's <c>strconv.Unquote</c> and <c>strconv.ParseInt</c>/<c>ParseFloat</c> (base 0) for template literals.</summary>
internal static class GoLiterals
{
    /// <summary>Unquotes a "…", `…` or '…' literal; null where Go reports <c>invalid syntax</c>.</summary>
    public static string? Unquote(string quoted)
    {
        if (quoted.Length < 2)
        {
            return null;
        }
        var q = quoted[0];
        if (quoted[^1] != q)
        {
            return null;
        }
        var body = quoted.AsSpan(1, quoted.Length - 2);
        if (q == '`')
        {
            return body.Contains('`') ? null : body.ToString().Replace("\r", "", StringComparison.Ordinal);
        }
        var sb = new StringBuilder(body.Length);
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (c == q || c == '\n')
            {
                return null;
            }
            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (++i >= body.Length)
            {
                return null;
            }
            var e = body[i++];
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'' or '"':
                    if (e != q)
                    {
                        return null;
                    }
                    sb.Append(e);
                    break;
                case 'x' or 'u' or 'U':
                    {
                        var n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                        if (i + n > body.Length || !int.TryParse(body.Slice(i, n), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
                        {
                            return null;
                        }
                        i += n;
                        if (e == 'x')
                        {
                            // A \x byte: Go strings may hold any byte; a lone byte above 0x7f is not valid UTF-8 here.
                            sb.Append(v < 0x80 ? (char)v : '\uFFFD');
                        }
                        else
                        {
                            if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                            {
                                return null;
                            }
                            sb.Append(char.ConvertFromUtf32(v));
                        }
                        break;
                    }
                case >= '0' and <= '7':
                    {
                        if (i + 2 > body.Length)
                        {
                            return null;
                        }
                        var v = e - '0';
                        for (var k = 0; k < 2; k++)
                        {
                            var d = body[i++];
                            if (d is < '0' or > '7')
                            {
                                return null;
                            }
                            v = (v * 8) + (d - '0');
                        }
                        if (v > 255)
                        {
                            return null;
                        }
                        sb.Append(v < 0x80 ? (char)v : '\uFFFD');
                        break;
                    }
                default:
                    return null;
            }
        }
        var s = sb.ToString();
        if (q == '\'')
        {
            // A character constant holds exactly one rune.
            var runes = 0;
            foreach (var _ in s.EnumerateRunes())
            {
                runes++;
            }
            return runes == 1 ? s : null;
        }
        return s;
    }

    /// <summary>Go's <c>strconv.ParseInt(text, 0, 64)</c>.</summary>
    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        var radix = 10;
        if (s.Length > 1 && s[0] == '0')
        {
            switch (s[1])
            {
                case 'x' or 'X': radix = 16; s = s[2..]; break;
                case 'o' or 'O': radix = 8; s = s[2..]; break;
                case 'b' or 'B': radix = 2; s = s[2..]; break;
                default: radix = 8; s = s[1..]; break;
            }
        }
        if (s.Length == 0)
        {
            return false;
        }
        ulong magnitude = 0;
        var sawDigit = false;
        foreach (var c in s)
        {
            if (c == '_')
            {
                continue; // Go's literal syntax allows digit separators in base 0
            }
            var d = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? (char.ToLowerInvariant(c) - 'a' + 10) : 99;
            if (d >= radix)
            {
                return false;
            }
            sawDigit = true;
            var next = (magnitude * (ulong)radix) + (ulong)d;
            if (next / (ulong)radix != magnitude || next > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            magnitude = next;
        }
        if (!sawDigit)
        {
            return false;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue)
        {
            return false;
        }
        value = (long)magnitude;
        return true;
    }

    /// <summary>Go's <c>strconv.ParseFloat(text, 64)</c> for decimal forms (with <c>_</c> separators, Inf and NaN).</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        var s = text.Replace("_", "", StringComparison.Ordinal);
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
        }
        if (s.Length == 0 || s.Contains(' ', StringComparison.Ordinal) || s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            value = 0;
            return false;
        }
        return double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }
}
