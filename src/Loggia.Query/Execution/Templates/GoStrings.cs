using System.Globalization;
using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>Go's <c>strings</c> and <c>net/url</c> functions that Loki's template functions wrap.</summary>
internal static class GoStrings
{
    /// <summary>Go's <c>unicode.IsSpace</c>.</summary>
    public static bool IsSpace(int r) => r switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0x85 or 0xA0 => true,
        < 0x100 => false,
        _ => Rune.IsWhiteSpace(new Rune(r)),
    };

    public static string TrimSpace(string s)
    {
        var start = 0;
        var end = s.Length;
        while (start < end && IsSpace(RuneAt(s, start, out var n)))
        {
            start += n;
        }
        while (end > start && IsSpace(RuneBefore(s, end, out var n)))
        {
            end -= n;
        }
        return s[start..end];
    }

    private static int RuneAt(string s, int i, out int length)
    {
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(s[i], s[i + 1]);
        }
        length = 1;
        return s[i];
    }

    private static int RuneBefore(string s, int end, out int length)
    {
        if (end >= 2 && char.IsLowSurrogate(s[end - 1]) && char.IsHighSurrogate(s[end - 2]))
        {
            length = 2;
            return char.ConvertToUtf32(s[end - 2], s[end - 1]);
        }
        length = 1;
        return s[end - 1];
    }

    private static bool InCutset(string cutset, int r)
    {
        for (var i = 0; i < cutset.Length;)
        {
            if (RuneAt(cutset, i, out var n) == r)
            {
                return true;
            }
            i += n;
        }
        return false;
    }

    /// <summary>Go's <c>strings.Trim</c>, <c>TrimLeft</c>, <c>TrimRight</c> (a cutset of runes).</summary>
    public static string Trim(string s, string cutset, bool left, bool right)
    {
        if (s.Length == 0 || cutset.Length == 0)
        {
            return s;
        }
        var start = 0;
        var end = s.Length;
        if (left)
        {
            while (start < end && InCutset(cutset, RuneAt(s, start, out var n)))
            {
                start += n;
            }
        }
        if (right)
        {
            while (end > start && InCutset(cutset, RuneBefore(s, end, out var n)))
            {
                end -= n;
            }
        }
        return s[start..end];
    }

    public static string TrimPrefix(string s, string prefix) =>
        prefix.Length > 0 && s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;

    public static string TrimSuffix(string s, string suffix) =>
        suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;

    /// <summary>Go's <c>strings.Replace</c>: at most <paramref name="n"/> replacements (all when negative).</summary>
    public static string Replace(string s, string oldValue, string newValue, long n)
    {
        if (n == 0 || string.Equals(oldValue, newValue, StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        var done = 0L;
        if (oldValue.Length == 0)
        {
            // An empty old string matches before each rune and at the end.
            var i = 0;
            while (true)
            {
                if (n >= 0 && done >= n)
                {
                    sb.Append(s, i, s.Length - i);
                    break;
                }
                sb.Append(newValue);
                done++;
                if (i >= s.Length)
                {
                    break;
                }
                RuneAt(s, i, out var len);
                sb.Append(s, i, len);
                i += len;
            }
            return sb.ToString();
        }
        var pos = 0;
        while (n < 0 || done < n)
        {
            var at = s.IndexOf(oldValue, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }
            sb.Append(s, pos, at - pos).Append(newValue);
            pos = at + oldValue.Length;
            done++;
        }
        sb.Append(s, pos, s.Length - pos);
        return sb.ToString();
    }

    /// <summary>Go's <c>strings.ToLower</c> / <c>ToUpper</c> (Unicode simple case mapping).</summary>
    public static string ToLower(string s) => s.ToLowerInvariant();

    public static string ToUpper(string s) => s.ToUpperInvariant();

    /// <summary>Go's deprecated <c>strings.Title</c>: upper-cases the first letter of each word.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prev = (int)' ';
        for (var i = 0; i < s.Length;)
        {
            var r = RuneAt(s, i, out var n);
            if (IsSeparator(prev) && Rune.IsValid(r))
            {
                sb.Append(Rune.ToUpperInvariant(new Rune(r)).ToString());
            }
            else
            {
                sb.Append(s, i, n);
            }
            prev = r;
            i += n;
        }
        return sb.ToString();
    }

    private static bool IsSeparator(int r)
    {
        if (r <= 0x7F)
        {
            return !(char.IsAsciiLetterOrDigit((char)r) || r == '_');
        }
        if (!Rune.IsValid(r))
        {
            return false;
        }
        var rune = new Rune(r);
        if (Rune.IsLetter(rune) || Rune.IsDigit(rune))
        {
            return false;
        }
        return IsSpace(r);
    }

    /// <summary>Go's <c>url.QueryEscape</c>.</summary>
    public static string QueryEscape(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else if (b == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>url.QueryUnescape</c>; throws Go's <c>invalid URL escape "%zz"</c>.</summary>
    public static string QueryUnescape(string s)
    {
        if (s.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return s;
        }
        var bytes = new List<byte>(s.Length);
        var utf8 = Encoding.UTF8.GetBytes(s);
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (b == '%')
            {
                if (i + 2 >= utf8.Length || !IsHex(utf8[i + 1]) || !IsHex(utf8[i + 2]))
                {
                    var end = Math.Min(i + 3, utf8.Length);
                    throw new TemplateFunctionException("invalid URL escape " + Loggia.Query.LogQL.Syntax.GoString.Quote(Encoding.UTF8.GetString(utf8, i, end - i)));
                }
                bytes.Add((byte)((HexValue(utf8[i + 1]) << 4) | HexValue(utf8[i + 2])));
                i += 2;
            }
            else
            {
                bytes.Add(b);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>Go's <c>template.HTMLEscapeString</c>.</summary>
    public static string HtmlEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("&#34;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\0': sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>template.JSEscapeString</c>.</summary>
    public static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>base64.StdEncoding.DecodeString</c>; on error returns Go's message as Sprig's <c>b64dec</c> does.</summary>
    public static string Base64DecodeOrError(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var output = new List<byte>(bytes.Length);
        Span<int> quantum = stackalloc int[4];
        var i = 0;
        while (i < bytes.Length)
        {
            var start = i;
            var n = 0;
            var padding = 0;
            while (n < 4)
            {
                if (i >= bytes.Length)
                {
                    return "illegal base64 data at input byte " + start.ToString(CultureInfo.InvariantCulture);
                }
                var b = bytes[i];
                if (b is (byte)'\r' or (byte)'\n')
                {
                    i++;
                    continue; // Go skips newlines
                }
                if (b == '=')
                {
                    if (n < 2)
                    {
                        return "illegal base64 data at input byte " + i.ToString(CultureInfo.InvariantCulture);
                    }
                    padding = 4 - n;
                    for (var k = 0; k < padding; k++)
                    {
                        if (i >= bytes.Length || bytes[i] != '=')
                        {
                            return "illegal base64 data at input byte " + Math.Min(i, bytes.Length).ToString(CultureInfo.InvariantCulture);
                        }
                        i++;
                    }
                    if (i < bytes.Length)
                    {
                        return "illegal base64 data at input byte " + i.ToString(CultureInfo.InvariantCulture);
                    }
                    break;
                }
                var v = Base64Value(b);
                if (v < 0)
                {
                    return "illegal base64 data at input byte " + i.ToString(CultureInfo.InvariantCulture);
                }
                quantum[n++] = v;
                i++;
            }
            var bits = 0;
            for (var k = 0; k < n; k++)
            {
                bits |= quantum[k] << (18 - (6 * k));
            }
            output.Add((byte)(bits >> 16));
            if (n > 2)
            {
                output.Add((byte)(bits >> 8));
            }
            if (n > 3)
            {
                output.Add((byte)bits);
            }
            if (padding > 0)
            {
                break;
            }
        }
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static int Base64Value(byte b) => b switch
    {
        >= (byte)'A' and <= (byte)'Z' => b - 'A',
        >= (byte)'a' and <= (byte)'z' => b - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => b - '0' + 52,
        (byte)'+' => 62,
        (byte)'/' => 63,
        _ => -1,
    };

    /// <summary>Runes of <paramref name="s"/> from <paramref name="start"/> (rune index) to <paramref name="end"/>.</summary>
    public static string RuneSlice(string s, int start, int end)
    {
        var from = RuneOffset(s, start);
        var to = RuneOffset(s, end);
        return s[from..to];
    }

    public static int RuneCount(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (!(char.IsLowSurrogate(s[i]) && i > 0 && char.IsHighSurrogate(s[i - 1])))
            {
                n++;
            }
        }
        return n;
    }

    private static int RuneOffset(string s, int runes)
    {
        var i = 0;
        for (var n = 0; n < runes && i < s.Length; n++)
        {
            RuneAt(s, i, out var len);
            i += len;
        }
        return i;
    }
}
