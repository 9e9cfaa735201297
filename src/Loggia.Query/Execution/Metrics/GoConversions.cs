using System.Globalization;
using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Go's parsers as Loki's <c>unwrap</c> conversions and numeric label filters use them (<c>strconv.ParseFloat</c>,
/// <c>time.ParseDuration</c>, <c>humanize.ParseBytes</c>), with Go's error texts for <c>__error_details__</c>.
/// </summary>
internal static class GoConversions
{
    public static bool TryParseFloat(string s, out double value, out string error)
    {
        error = "";
        var t = s.StartsWith('+') || s.StartsWith('-') ? s[1..] : s;
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = s.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        if (t.Length > 0 && (char.IsAsciiDigit(t[0]) || t[0] == '.')
            && double.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            if (double.IsInfinity(value))
            {
                error = $"strconv.ParseFloat: parsing {GoString.Quote(s)}: value out of range";
                return false;
            }
            return true;
        }
        value = 0;
        error = $"strconv.ParseFloat: parsing {GoString.Quote(s)}: invalid syntax";
        return false;
    }

    public static bool TryParseDuration(string s, out TimeSpan value, out string error)
    {
        error = "";
        if (GoDuration.TryParseGo(s, out value))
        {
            return true;
        }
        var digitsOnly = s.Length > 0;
        foreach (var c in s.AsSpan(s.StartsWith('-') || s.StartsWith('+') ? 1 : 0))
        {
            digitsOnly &= char.IsAsciiDigit(c) || c == '.';
        }
        error = digitsOnly && s != "0"
            ? $"time: missing unit in duration {GoString.Quote(s)}"
            : $"time: invalid duration {GoString.Quote(s)}";
        return false;
    }

    public static bool TryParseBytes(string s, out ulong value, out string error)
    {
        error = "";
        if (GoBytes.TryParse(s, out value))
        {
            return true;
        }
        var last = 0;
        while (last < s.Length && (char.IsAsciiDigit(s[last]) || s[last] == '.' || s[last] == ','))
        {
            last++;
        }
        var number = s[..last].Replace(",", "", StringComparison.Ordinal);
        error = GoFloat.TryParse(number, out _)
            ? $"unhandled size name: {s[last..].Trim().ToLowerInvariant()}"
            : $"strconv.ParseFloat: parsing {GoString.Quote(number)}: invalid syntax";
        return false;
    }
}
