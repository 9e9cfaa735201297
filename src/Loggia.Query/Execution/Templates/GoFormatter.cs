using System.Globalization;
using System.Text;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Go's <c>fmt</c> for template values: <c>%v</c> printing (<c>Sprint</c>, <c>Sprintln</c>) and
/// <c>Sprintf</c> with the verbs, flags, width and precision used in practice, including Go's
/// <c>%!verb(type=value)</c>, <c>%!verb(MISSING)</c> and <c>%!(EXTRA …)</c> error texts.
/// </summary>
internal static class GoFormatter
{
    /// <summary>Appends the value as Go's <c>%v</c> prints it (nil prints <c>&lt;nil&gt;</c>).</summary>
    public static void AppendValue(StringBuilder sb, in GoValue v, ITemplateContext? labels)
    {
        switch (v.Kind)
        {
            case GoKind.Nil: sb.Append("<nil>"); break;
            case GoKind.Bool: sb.Append(v.AsBool ? "true" : "false"); break;
            case GoKind.Int or GoKind.Int64: sb.Append(v.AsInt); break;
            case GoKind.Float64: AppendFloatG(sb, v.AsFloat, -1, 'e'); break;
            case GoKind.String: sb.Append(v.AsString); break;
            case GoKind.Time: GoTimeLayout.Format(sb, v.AsTime, "2006-01-02 15:04:05.999999999 -0700 MST"); break;
            case GoKind.Labels:
                {
                    var list = new List<KeyValuePair<string, string>>();
                    labels?.CopyLabelsTo(list);
                    list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                    sb.Append("map[");
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(' ');
                        }
                        sb.Append(list[i].Key).Append(':').Append(list[i].Value);
                    }
                    sb.Append(']');
                    break;
                }
            case GoKind.Map:
                {
                    var map = v.AsMap;
                    var keys = SortedKeys(map);
                    sb.Append("map[");
                    for (var i = 0; i < keys.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(' ');
                        }
                        sb.Append(keys[i]).Append(':');
                        AppendValue(sb, map[keys[i]], labels);
                    }
                    sb.Append(']');
                    break;
                }
            case GoKind.Slice:
                {
                    var list = v.AsSlice;
                    sb.Append('[');
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(' ');
                        }
                        AppendValue(sb, list[i], labels);
                    }
                    sb.Append(']');
                    break;
                }
        }
    }

    public static string[] SortedKeys(Dictionary<string, GoValue> map)
    {
        var keys = new string[map.Count];
        map.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Go's <c>fmt.Sprint</c>: spaces between operands when neither side is a string.</summary>
    public static void Sprint(StringBuilder sb, ReadOnlySpan<GoValue> args, ITemplateContext? labels)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0 && args[i].Kind != GoKind.String && args[i - 1].Kind != GoKind.String)
            {
                sb.Append(' ');
            }
            AppendValue(sb, args[i], labels);
        }
    }

    /// <summary>Go's <c>fmt.Sprintln</c>: spaces between all operands and a final newline.</summary>
    public static void Sprintln(StringBuilder sb, ReadOnlySpan<GoValue> args, ITemplateContext? labels)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            AppendValue(sb, args[i], labels);
        }
        sb.Append('\n');
    }

    /// <summary>Go's <c>fmt.Sprintf</c>.</summary>
    public static void Sprintf(StringBuilder sb, string format, ReadOnlySpan<GoValue> args, ITemplateContext? labels)
    {
        var argIndex = 0;
        var i = 0;
        while (i < format.Length)
        {
            var pct = format.IndexOf('%', i);
            if (pct < 0)
            {
                sb.Append(format, i, format.Length - i);
                break;
            }
            sb.Append(format, i, pct - i);
            i = pct + 1;
            var spec = new Spec();
            for (; i < format.Length; i++)
            {
                var c = format[i];
                if (c == '-') { spec.Minus = true; spec.Zero = false; }
                else if (c == '+') { spec.Plus = true; }
                else if (c == '#') { spec.Sharp = true; }
                else if (c == ' ') { spec.Space = true; }
                else if (c == '0') { spec.Zero = !spec.Minus; }
                else { break; }
            }
            spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = Math.Max(ReadNumber(format, ref i), 0);
            }
            if (i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }
            var verb = format[i++];
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }
            if (argIndex >= args.Length)
            {
                sb.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }
            FormatOne(sb, verb, spec, args[argIndex++], labels);
        }
        if (argIndex < args.Length)
        {
            sb.Append("%!(EXTRA ");
            for (var k = argIndex; k < args.Length; k++)
            {
                if (k > argIndex)
                {
                    sb.Append(", ");
                }
                sb.Append(args[k].TypeName).Append('=');
                AppendValue(sb, args[k], labels);
            }
            sb.Append(')');
        }
    }

    private static int ReadNumber(string format, ref int i)
    {
        var n = -1;
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            n = (Math.Max(n, 0) * 10) + (format[i] - '0');
            i++;
            if (n > 1_000_000)
            {
                n = 1_000_000; // Go rejects absurd widths; cap them instead of allocating gigabytes.
            }
        }
        return n;
    }

    internal struct Spec
    {
        public bool Minus, Plus, Sharp, Space, Zero;
        public int Width;
        public int Precision;

        public Spec()
        {
            Width = -1;
            Precision = -1;
        }
    }

    private static void FormatOne(StringBuilder sb, char verb, Spec spec, in GoValue v, ITemplateContext? labels)
    {
        if (spec.Width == 0 && !spec.Zero)
        {
            spec.Width = -1;
        }
        var start = sb.Length;
        var numeric = false;
        switch (verb)
        {
            case 'T':
                sb.Append(v.TypeName);
                break;
            case 'v':
                if (v.Kind == GoKind.Float64)
                {
                    numeric = true;
                    AppendFloatG(sb, v.AsFloat, spec.Precision, 'e', spec);
                }
                else if (v.IsInteger)
                {
                    numeric = true;
                    AppendInteger(sb, v.AsInt, 10, false, spec);
                }
                else if (v.Kind == GoKind.String)
                {
                    AppendTruncated(sb, v.AsString, spec.Precision);
                }
                else
                {
                    AppendValue(sb, v, labels);
                }
                break;
            case 's':
                if (v.Kind == GoKind.String)
                {
                    AppendTruncated(sb, v.AsString, spec.Precision);
                }
                else if (v.Kind is GoKind.Time or GoKind.Map or GoKind.Slice or GoKind.Labels)
                {
                    AppendValue(sb, v, labels);
                }
                else
                {
                    BadVerb(sb, verb, v, labels);
                    return;
                }
                break;
            case 'q':
                if (v.Kind == GoKind.String)
                {
                    GoString.AppendQuoted(sb, v.AsString);
                }
                else if (v.IsInteger)
                {
                    AppendQuotedRune(sb, v.AsInt);
                }
                else
                {
                    BadVerb(sb, verb, v, labels);
                    return;
                }
                break;
            case 'd' or 'b' or 'o' or 'O' or 'c' or 'U' when v.IsInteger:
                numeric = verb != 'c';
                if (verb == 'c')
                {
                    AppendRune(sb, v.AsInt);
                }
                else if (verb == 'U')
                {
                    sb.Append("U+").Append(v.AsInt.ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    if (verb == 'O')
                    {
                        spec.Sharp = false;
                    }
                    var prefixStart = sb.Length;
                    AppendInteger(sb, v.AsInt, verb switch { 'b' => 2, 'o' or 'O' => 8, _ => 10 }, false, spec);
                    if (verb == 'O')
                    {
                        sb.Insert(prefixStart + (sb[prefixStart] is '-' or '+' or ' ' ? 1 : 0), "0o");
                    }
                }
                break;
            case 'x' or 'X':
                if (v.IsInteger)
                {
                    numeric = true;
                    AppendInteger(sb, v.AsInt, 16, verb == 'X', spec);
                }
                else if (v.Kind == GoKind.String)
                {
                    var bytes = Encoding.UTF8.GetBytes(v.AsString);
                    var n = spec.Precision >= 0 ? Math.Min(spec.Precision, bytes.Length) : bytes.Length;
                    for (var k = 0; k < n; k++)
                    {
                        if (spec.Space && k > 0)
                        {
                            sb.Append(' ');
                        }
                        if (spec.Sharp && (k == 0 || spec.Space))
                        {
                            sb.Append(verb == 'X' ? "0X" : "0x");
                        }
                        sb.Append(bytes[k].ToString(verb == 'X' ? "X2" : "x2", CultureInfo.InvariantCulture));
                    }
                }
                else if (v.Kind == GoKind.Float64)
                {
                    BadVerb(sb, verb, v, labels);
                    return;
                }
                else
                {
                    BadVerb(sb, verb, v, labels);
                    return;
                }
                break;
            case 'e' or 'E' or 'f' or 'F' or 'g' or 'G' when v.Kind == GoKind.Float64:
                numeric = true;
                AppendFloat(sb, v.AsFloat, verb, spec);
                break;
            case 't' when v.Kind == GoKind.Bool:
                sb.Append(v.AsBool ? "true" : "false");
                break;
            default:
                BadVerb(sb, verb, v, labels);
                return;
        }
        Pad(sb, start, spec, numeric);
    }

    private static void Pad(StringBuilder sb, int start, Spec spec, bool numeric)
    {
        var written = sb.Length - start;
        var runes = CountRunes(sb, start);
        if (spec.Width <= runes)
        {
            return;
        }
        var pad = spec.Width - runes;
        if (spec.Minus)
        {
            sb.Append(' ', pad);
        }
        else if (spec.Zero)
        {
            // Zero padding goes after the sign of a number.
            var at = start;
            if (numeric && written > 0 && sb[start] is '-' or '+' or ' ')
            {
                at++;
            }
            sb.Insert(at, "0", pad);
        }
        else
        {
            sb.Insert(start, " ", pad);
        }
    }

    private static int CountRunes(StringBuilder sb, int start)
    {
        var n = 0;
        for (var i = start; i < sb.Length; i++)
        {
            if (!char.IsLowSurrogate(sb[i]))
            {
                n++;
            }
        }
        return n;
    }

    private static void BadVerb(StringBuilder sb, char verb, in GoValue v, ITemplateContext? labels)
    {
        sb.Append("%!").Append(verb).Append('(');
        if (v.IsNil)
        {
            sb.Append("<nil>");
        }
        else
        {
            sb.Append(v.TypeName).Append('=');
            AppendValue(sb, v, labels);
        }
        sb.Append(')');
    }

    private static void AppendTruncated(StringBuilder sb, string s, int precision)
    {
        if (precision < 0)
        {
            sb.Append(s);
            return;
        }
        var runes = 0;
        var i = 0;
        while (i < s.Length && runes < precision)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length ? 2 : 1;
            runes++;
        }
        sb.Append(s, 0, i);
    }

    private static void AppendRune(StringBuilder sb, long value)
    {
        if (value is < 0 or > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        {
            sb.Append('\uFFFD');
            return;
        }
        sb.Append(new Rune((int)value).ToString());
    }

    private static void AppendQuotedRune(StringBuilder sb, long value)
    {
        var quoted = GoString.Quote(value is < 0 or > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) ? "\uFFFD" : new Rune((int)value).ToString());
        sb.Append('\'');
        var body = quoted.AsSpan(1, quoted.Length - 2);
        if (body.SequenceEqual("\\\""))
        {
            sb.Append('"');
        }
        else if (body.SequenceEqual("'"))
        {
            sb.Append("\\'");
        }
        else
        {
            sb.Append(body);
        }
        sb.Append('\'');
    }

    private static void AppendInteger(StringBuilder sb, long value, int radix, bool upper, Spec spec)
    {
        var negative = value < 0;
        var magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        if (negative)
        {
            sb.Append('-');
        }
        else if (spec.Plus)
        {
            sb.Append('+');
        }
        else if (spec.Space)
        {
            sb.Append(' ');
        }
        if (spec.Sharp)
        {
            sb.Append(radix switch { 16 => upper ? "0X" : "0x", 8 => "0", 2 => "0b", _ => "" });
        }
        Span<char> digits = stackalloc char[64];
        var n = 0;
        do
        {
            var d = (int)(magnitude % (ulong)radix);
            digits[n++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
            magnitude /= (ulong)radix;
        }
        while (magnitude != 0);
        for (var k = n; k < spec.Precision; k++)
        {
            sb.Append('0');
        }
        if (spec.Precision == 0 && value == 0)
        {
            return;
        }
        for (var k = n - 1; k >= 0; k--)
        {
            sb.Append(digits[k]);
        }
    }

    private static void AppendFloat(StringBuilder sb, double value, char verb, Spec spec)
    {
        if (AppendSpecial(sb, value, spec))
        {
            return;
        }
        if (value < 0 || (value == 0 && double.IsNegative(value)))
        {
            sb.Append('-');
            value = -value;
        }
        else if (spec.Plus)
        {
            sb.Append('+');
        }
        else if (spec.Space)
        {
            sb.Append(' ');
        }
        switch (verb)
        {
            case 'f' or 'F':
                sb.Append(value.ToString("F" + (spec.Precision < 0 ? 6 : spec.Precision).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
                break;
            case 'e' or 'E':
                AppendExponent(sb, value, spec.Precision < 0 ? 6 : spec.Precision, verb);
                break;
            default:
                AppendFloatG(sb, value, spec.Precision, verb == 'G' ? 'E' : 'e');
                break;
        }
    }

    private static bool AppendSpecial(StringBuilder sb, double value, Spec spec)
    {
        if (double.IsNaN(value))
        {
            sb.Append(spec.Plus ? "+NaN" : spec.Space ? " NaN" : "NaN");
            return true;
        }
        if (double.IsInfinity(value))
        {
            sb.Append(value < 0 ? "-Inf" : spec.Plus ? "+Inf" : spec.Space ? " Inf" : "Inf");
            return true;
        }
        return false;
    }

    private static void AppendExponent(StringBuilder sb, double value, int precision, char e)
    {
        var s = value.ToString("E" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var at = s.IndexOf('E', StringComparison.Ordinal);
        sb.Append(s, 0, at).Append(e);
        var exp = int.Parse(s.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        AppendExponentDigits(sb, exp);
    }

    private static void AppendExponentDigits(StringBuilder sb, int exp)
    {
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10)
        {
            sb.Append('0');
        }
        sb.Append(exp);
    }

    /// <summary>Go's <c>%g</c> (shortest when <paramref name="precision"/> is negative), which <c>%v</c> uses for floats.</summary>
    public static void AppendFloatG(StringBuilder sb, double value, int precision, char e, Spec spec = default)
    {
        if (AppendSpecial(sb, value, spec))
        {
            return;
        }
        if (value < 0 || (value == 0 && double.IsNegative(value)))
        {
            sb.Append('-');
            value = -value;
        }
        else if (spec.Plus)
        {
            sb.Append('+');
        }
        if (value == 0)
        {
            sb.Append('0');
            return;
        }
        var shortest = precision < 0;
        if (precision == 0)
        {
            precision = 1;
        }
        var s = shortest
            ? value.ToString("E16", CultureInfo.InvariantCulture)
            : value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (shortest)
        {
            // The shortest digits that round-trip, as Go's strconv chooses them.
            s = value.ToString("R", CultureInfo.InvariantCulture);
            if (!s.Contains('E', StringComparison.Ordinal))
            {
                s = ToExponentForm(s);
            }
        }
        var at = s.IndexOf('E', StringComparison.Ordinal);
        var mantissa = s.AsSpan(0, at);
        var exp = int.Parse(s.AsSpan(at + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        Span<char> digits = stackalloc char[32];
        var nd = 0;
        foreach (var c in mantissa)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[nd++] = c;
            }
        }
        while (nd > 1 && digits[nd - 1] == '0')
        {
            nd--;
        }
        var eprec = shortest ? 6 : precision;
        if (!shortest && eprec > nd && nd >= exp + 1)
        {
            eprec = nd;
        }
        if (exp < -4 || exp >= eprec)
        {
            sb.Append(digits[0]);
            if (nd > 1)
            {
                sb.Append('.').Append(digits[1..nd]);
            }
            sb.Append(e);
            AppendExponentDigits(sb, exp);
            return;
        }
        if (exp < 0)
        {
            sb.Append("0.").Append('0', -exp - 1).Append(digits[..nd]);
            return;
        }
        var intDigits = exp + 1;
        if (nd <= intDigits)
        {
            sb.Append(digits[..nd]).Append('0', intDigits - nd);
            return;
        }
        sb.Append(digits[..intDigits]).Append('.').Append(digits[intDigits..nd]);
    }

    private static string ToExponentForm(string plain)
    {
        // "123.45" -> "1.2345E+002"; "0.00123" -> "1.23E-003".
        var dot = plain.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? plain : plain[..dot];
        var frac = dot < 0 ? "" : plain[(dot + 1)..];
        var all = (intPart + frac).TrimStart('0');
        int exp;
        if (intPart.TrimStart('0').Length > 0)
        {
            exp = intPart.TrimStart('0').Length - 1;
        }
        else
        {
            var lead = 0;
            while (lead < frac.Length && frac[lead] == '0')
            {
                lead++;
            }
            exp = -(lead + 1);
        }
        if (all.Length == 0)
        {
            all = "0";
        }
        return all[0] + (all.Length > 1 ? "." + all[1..] : "") + "E" + exp.ToString(CultureInfo.InvariantCulture);
    }
}
