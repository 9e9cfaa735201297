using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.LogQL.Syntax;

/// <summary>Go's string quoting (strconv.Quote) and unquoting (Prometheus strutil.Unquote).</summary>
internal static class GoString
{
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        AppendQuoted(sb, s);
        return sb.ToString();
    }

    public static void AppendQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }
            if (IsPrint(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (v < ' ' || v == 0x7f)
            {
                sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (v < 0x10000)
            {
                sb.Append("\\u").Append(v.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(v.ToString("x8", CultureInfo.InvariantCulture));
            }
        }
        sb.Append('"');
    }

    private static bool IsPrint(Rune r)
    {
        if (r.Value == ' ')
        {
            return true;
        }
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>Unquotes a double-quoted Go string or a backquoted raw string.</summary>
    public static bool TryUnquote(string quoted, out string value)
    {
        value = "";
        if (quoted.Length < 2 || quoted[^1] != quoted[0])
        {
            return false;
        }
        var body = quoted.AsSpan(1, quoted.Length - 2);
        if (quoted[0] == '`')
        {
            if (body.Contains('`'))
            {
                return false;
            }
            value = body.ToString();
            return true;
        }
        if (body.IndexOfAny('\\', '"', '\n') < 0)
        {
            value = body.ToString();
            return true;
        }
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c is '"' or '\n')
            {
                return false;
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (++i >= body.Length)
            {
                return false;
            }
            c = body[i];
            switch (c)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'x' or 'u' or 'U':
                    {
                        var n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                        if (i + n >= body.Length)
                        {
                            return false;
                        }
                        if (!int.TryParse(body.Slice(i + 1, n), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp))
                        {
                            return false;
                        }
                        i += n;
                        if (c == 'x')
                        {
                            // Go yields a raw byte here; bytes >= 0x80 are kept as the matching Latin-1 char.
                            sb.Append((char)cp);
                        }
                        else
                        {
                            if (!Rune.IsValid(cp))
                            {
                                return false;
                            }
                            sb.Append(new Rune(cp).ToString());
                        }
                        break;
                    }
                case >= '0' and <= '7':
                    {
                        if (i + 2 >= body.Length)
                        {
                            return false;
                        }
                        var v = 0;
                        for (var k = 0; k < 3; k++)
                        {
                            var d = body[i + k];
                            if (d is < '0' or > '7')
                            {
                                return false;
                            }
                            v = (v * 8) + (d - '0');
                        }
                        if (v > 255)
                        {
                            return false;
                        }
                        i += 2;
                        sb.Append((char)v);
                        break;
                    }
                default:
                    return false;
            }
        }
        value = sb.ToString();
        return true;
    }
}

/// <summary>Durations as Go (time.ParseDuration/String) and Prometheus (model.ParseDuration/String) handle them.</summary>
public static partial class GoDuration
{
    private const long NanosPerTick = 100;

    [GeneratedRegex("^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PrometheusPattern();

    private static readonly long[] PrometheusUnitsMs = [365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L];

    /// <summary>Prometheus' model.ParseDuration, with its error message.</summary>
    public static bool TryParsePrometheus(string s, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = "";
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            error = "empty duration string";
            return false;
        }
        var m = PrometheusPattern().Match(s);
        if (!m.Success)
        {
            error = "not a valid duration string: " + GoString.Quote(s);
            return false;
        }
        decimal ms = 0;
        for (var i = 0; i < PrometheusUnitsMs.Length; i++)
        {
            var g = m.Groups[i + 1];
            if (g.Success)
            {
                if (g.Value.Length > 20)
                {
                    error = "duration out of range";
                    return false;
                }
                ms += decimal.Parse(g.Value, CultureInfo.InvariantCulture) * PrometheusUnitsMs[i];
            }
        }
        if (ms * 1_000_000m > long.MaxValue)
        {
            error = "duration out of range";
            return false;
        }
        value = TimeSpan.FromTicks((long)(ms * 10_000m));
        return true;
    }

    /// <summary>Go's time.ParseDuration.</summary>
    public static bool TryParseGo(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var neg = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            neg = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }
        decimal total = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (!(s[i] == '.' || char.IsAsciiDigit(s[i])))
            {
                return false;
            }
            var startInt = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            var intPart = s[startInt..i];
            var fracPart = "";
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var startFrac = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
                fracPart = s[startFrac..i];
            }
            if (intPart.Length == 0 && fracPart.Length == 0)
            {
                return false;
            }
            var startUnit = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            decimal unit = s[startUnit..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => -1m,
            };
            if (unit < 0 || intPart.Length > 19 || fracPart.Length > 19)
            {
                return false;
            }
            var number = decimal.Parse((intPart.Length == 0 ? "0" : intPart) + (fracPart.Length == 0 ? "" : "." + fracPart), CultureInfo.InvariantCulture);
            total += number * unit;
            if (total > long.MaxValue)
            {
                return false;
            }
        }
        var nanos = (long)decimal.Truncate(total);
        value = TimeSpan.FromTicks((neg ? -nanos : nanos) / NanosPerTick);
        return true;
    }

    /// <summary>Loki's lexer: Prometheus syntax first, then Go's.</summary>
    public static bool TryParseLexer(string s, out TimeSpan value) =>
        TryParsePrometheus(s, out value, out _) || TryParseGo(s, out value);

    /// <summary>Prometheus model.Duration.String (millisecond resolution).</summary>
    public static string FormatPrometheus(TimeSpan d)
    {
        var ms = d.Ticks / TimeSpan.TicksPerMillisecond;
        if (ms == 0)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        if (ms < 0)
        {
            sb.Append('-');
            ms = -ms;
        }
        void Unit(string name, long mult, bool exact)
        {
            if (exact && ms % mult != 0)
            {
                return;
            }
            var v = ms / mult;
            if (v > 0)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append(name);
                ms -= v * mult;
            }
        }
        Unit("y", PrometheusUnitsMs[0], true);
        Unit("w", PrometheusUnitsMs[1], true);
        Unit("d", PrometheusUnitsMs[2], false);
        Unit("h", PrometheusUnitsMs[3], false);
        Unit("m", PrometheusUnitsMs[4], false);
        Unit("s", PrometheusUnitsMs[5], false);
        Unit("ms", 1, false);
        return sb.ToString();
    }

    /// <summary>Go's time.Duration.String.</summary>
    public static string FormatGo(TimeSpan d)
    {
        var nanos = (decimal)d.Ticks * NanosPerTick;
        if (nanos == 0)
        {
            return "0s";
        }
        var neg = nanos < 0;
        var u = Math.Abs(nanos);
        string body;
        if (u < 1_000_000_000m)
        {
            body = u < 1_000m ? Fixed(u) + "ns" : u < 1_000_000m ? Fixed(u / 1_000m) + "µs" : Fixed(u / 1_000_000m) + "ms";
        }
        else
        {
            var h = decimal.Truncate(u / 3_600_000_000_000m);
            u -= h * 3_600_000_000_000m;
            var m = decimal.Truncate(u / 60_000_000_000m);
            u -= m * 60_000_000_000m;
            var s = Fixed(u / 1_000_000_000m) + "s";
            body = h > 0 ? $"{h}h{m}m{s}" : m > 0 ? $"{m}m{s}" : s;
        }
        return neg ? "-" + body : body;
    }

    private static string Fixed(decimal v)
    {
        var s = v.ToString("0.#########", CultureInfo.InvariantCulture);
        return s;
    }
}

/// <summary>Byte sizes as go-humanize parses them.</summary>
internal static class GoBytes
{
    private static readonly Dictionary<string, ulong> Units = new()
    {
        ["b"] = 1,
        [""] = 1,
        ["kib"] = 1UL << 10,
        ["kb"] = 1000,
        ["ki"] = 1UL << 10,
        ["k"] = 1000,
        ["mib"] = 1UL << 20,
        ["mb"] = 1000_000,
        ["mi"] = 1UL << 20,
        ["m"] = 1000_000,
        ["gib"] = 1UL << 30,
        ["gb"] = 1000_000_000,
        ["gi"] = 1UL << 30,
        ["g"] = 1000_000_000,
        ["tib"] = 1UL << 40,
        ["tb"] = 1000_000_000_000,
        ["ti"] = 1UL << 40,
        ["t"] = 1000_000_000_000,
        ["pib"] = 1UL << 50,
        ["pb"] = 1000_000_000_000_000,
        ["pi"] = 1UL << 50,
        ["p"] = 1000_000_000_000_000,
        ["eib"] = 1UL << 60,
        ["eb"] = 1000_000_000_000_000_000,
        ["ei"] = 1UL << 60,
        ["e"] = 1000_000_000_000_000_000,
    };

    private static readonly (string Name, ulong Size)[] PrintUnits =
    [
        ("PiB", 1UL << 50), ("PB", 1000_000_000_000_000), ("TiB", 1UL << 40), ("TB", 1000_000_000_000),
        ("GiB", 1UL << 30), ("GB", 1000_000_000), ("MiB", 1UL << 20), ("MB", 1000_000), ("KiB", 1UL << 10), ("kB", 1000),
    ];

    public static bool TryParse(string s, out ulong value)
    {
        value = 0;
        var last = 0;
        var hasComma = false;
        while (last < s.Length && (char.IsDigit(s[last]) || s[last] == '.' || s[last] == ','))
        {
            hasComma |= s[last] == ',';
            last++;
        }
        var num = s[..last];
        if (hasComma)
        {
            num = num.Replace(",", "", StringComparison.Ordinal);
        }
        if (!GoFloat.TryParse(num, out var f))
        {
            return false;
        }
        var extra = s[last..].Trim().ToLowerInvariant();
        if (!Units.TryGetValue(extra, out var mult))
        {
            return false;
        }
        f *= mult;
        if (f >= ulong.MaxValue)
        {
            return false;
        }
        value = (ulong)f;
        return true;
    }

    /// <summary>Prints a size exactly, with the largest unit that divides it (Loki rounds; we keep it exact).</summary>
    public static string Format(ulong v)
    {
        if (v == 0)
        {
            return "0B";
        }
        foreach (var (name, size) in PrintUnits)
        {
            if (v % size == 0)
            {
                return (v / size).ToString(CultureInfo.InvariantCulture) + name;
            }
        }
        return v.ToString(CultureInfo.InvariantCulture) + "B";
    }
}

/// <summary>Go float parsing and formatting.</summary>
internal static class GoFloat
{
    public static bool TryParse(string s, out double value) =>
        double.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
        && s.Length > 0 && !s.Contains(' ', StringComparison.Ordinal);

    /// <summary>strconv.FormatFloat(v, 'f', -1, 64).</summary>
    public static string FormatFixed(double v)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }
        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }
        var (neg, digits, exp) = Decompose(v);
        var sb = new StringBuilder();
        if (neg)
        {
            sb.Append('-');
        }
        if (exp <= 0)
        {
            sb.Append("0.").Append('0', -exp).Append(digits);
        }
        else if (exp >= digits.Length)
        {
            sb.Append(digits).Append('0', exp - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exp).Append('.').Append(digits, exp, digits.Length - exp);
        }
        return sb.ToString();
    }

    /// <summary>fmt.Sprint(float64), i.e. %v: shortest 'g' with exponent below -4 or from 21.</summary>
    public static string FormatV(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return FormatFixed(v);
        }
        var (neg, digits, exp) = Decompose(v);
        var x = exp - 1;
        if (x < -4 || x >= 21)
        {
            var sb = new StringBuilder();
            if (neg)
            {
                sb.Append('-');
            }
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            sb.Append('e').Append(x < 0 ? '-' : '+');
            var ax = Math.Abs(x);
            sb.Append(ax < 10 ? "0" + ax.ToString(CultureInfo.InvariantCulture) : ax.ToString(CultureInfo.InvariantCulture));
            return sb.ToString();
        }
        return FormatFixed(v);
    }

    /// <summary>fmt.Sprintf("%f", v).</summary>
    public static string FormatF6(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsInfinity(v) ? (v > 0 ? "+Inf" : "-Inf") : v.ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>Shortest round-trip digits and the decimal point position (value = 0.digits × 10^exp).</summary>
    private static (bool Neg, string Digits, int Exp) Decompose(double v)
    {
        var neg = v < 0 || (v == 0 && double.IsNegative(v));
        var shortest = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        string mantissa;
        var exp10 = 0;
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            mantissa = shortest[..e];
            exp10 = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = shortest;
        }
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intLen = dot < 0 ? mantissa.Length : dot;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var exp = intLen + exp10;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }
        digits = digits[lead..];
        exp -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return (neg, "0", 1);
        }
        return (neg, digits, exp);
    }
}
