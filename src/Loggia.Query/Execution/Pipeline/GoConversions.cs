using System.Globalization;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Pipeline;

/// <summary>
/// The conversions numeric, duration and bytes label filters apply to label values, with the error messages of
/// Go's <c>strconv.ParseFloat</c>, <c>time.ParseDuration</c> and go-humanize's <c>ParseBytes</c> (Loki puts them in
/// <c>__error_details__</c>).
/// </summary>
internal static class GoConversions
{
    public static bool TryParseFloat(string s, out double value, out string? error)
    {
        error = null;
        value = 0;
        var body = s.AsSpan();
        var sign = 1.0;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            sign = body[0] == '-' ? -1 : 1;
            body = body[1..];
        }
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }
        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        var valid = body.Length > 0 && (char.IsAsciiDigit(body[0]) || body[0] == '.')
            && double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
        if (!valid)
        {
            value = 0;
            error = "strconv.ParseFloat: parsing " + GoString.Quote(s) + ": invalid syntax";
            return false;
        }
        if (double.IsInfinity(value))
        {
            error = "strconv.ParseFloat: parsing " + GoString.Quote(s) + ": value out of range";
            return false;
        }
        return true;
    }

    public static bool TryParseDuration(string s, out TimeSpan value, out string? error)
    {
        error = null;
        if (GoDuration.TryParseGo(s, out value))
        {
            return true;
        }
        var quoted = GoString.Quote(s);
        var body = s.TrimStart('+', '-');
        var i = 0;
        while (i < body.Length && (char.IsAsciiDigit(body[i]) || body[i] == '.'))
        {
            i++;
        }
        if (i > 0 && i == body.Length && body != ".")
        {
            error = "time: missing unit in duration " + quoted;
        }
        else if (i > 0 && body[..i] != ".")
        {
            var j = i;
            while (j < body.Length && body[j] != '.' && !char.IsAsciiDigit(body[j]))
            {
                j++;
            }
            var unit = body[i..j];
            error = unit is "ns" or "us" or "µs" or "μs" or "ms" or "s" or "m" or "h"
                ? "time: invalid duration " + quoted
                : "time: unknown unit " + GoString.Quote(unit) + " in duration " + quoted;
        }
        else
        {
            error = "time: invalid duration " + quoted;
        }
        return false;
    }

    public static bool TryParseBytes(string s, out ulong value, out string? error)
    {
        error = null;
        if (GoBytes.TryParse(s, out value))
        {
            return true;
        }
        var last = 0;
        while (last < s.Length && (char.IsDigit(s[last]) || s[last] == '.' || s[last] == ','))
        {
            last++;
        }
        var number = s[..last].Replace(",", "", StringComparison.Ordinal);
        if (!TryParseFloat(number, out var f, out var floatError))
        {
            error = floatError;
            return false;
        }
        var unit = s[last..].Trim().ToLowerInvariant();
        error = GoBytes.TryParse("1" + unit, out _) && f >= ulong.MaxValue / 2.0
            ? "too large: " + s
            : "unhandled size name: " + unit;
        return false;
    }
}
