using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Loggia.Query.Execution.Templates;

/// <summary>Loki's own template functions (<c>functionMap</c> in <c>pkg/logql/log/fmt.go</c>).</summary>
internal static partial class TemplateFunctions
{
    private static void AddLoki(Registrar add)
    {
        add("__line__", None, static (_, c) => GoValue.String(Encoding.UTF8.GetString(c.Data.Line)));
        add("__timestamp__", None, static (_, c) => GoValue.Time(GoTime.FromUnixNanos(c.Data.TimestampNanos)));

        // Deprecated Go strings functions, with Go's argument order.
        add("ToLower", S, static (a, _) => GoValue.String(GoStrings.ToLower(a[0].AsString)));
        add("ToUpper", S, static (a, _) => GoValue.String(GoStrings.ToUpper(a[0].AsString)));
        add("Replace", [ParamType.String, ParamType.String, ParamType.String, ParamType.Int], static (a, _) =>
            GoValue.String(GoStrings.Replace(a[0].AsString, a[1].AsString, a[2].AsString, a[3].AsInt)));
        add("Trim", SS, static (a, _) => GoValue.String(GoStrings.Trim(a[0].AsString, a[1].AsString, true, true)));
        add("TrimLeft", SS, static (a, _) => GoValue.String(GoStrings.Trim(a[0].AsString, a[1].AsString, true, false)));
        add("TrimRight", SS, static (a, _) => GoValue.String(GoStrings.Trim(a[0].AsString, a[1].AsString, false, true)));
        add("TrimPrefix", SS, static (a, _) => GoValue.String(GoStrings.TrimPrefix(a[0].AsString, a[1].AsString)));
        add("TrimSuffix", SS, static (a, _) => GoValue.String(GoStrings.TrimSuffix(a[0].AsString, a[1].AsString)));
        add("TrimSpace", S, static (a, _) => GoValue.String(GoStrings.TrimSpace(a[0].AsString)));

        add("regexReplaceAll", SSS, static (a, c) =>
            GoValue.String(RegexSite.Get(c, a[0].AsString).Replace(a[1].AsString, new GoRegexExpander(a[2].AsString).Evaluate)), regex: true);
        add("regexReplaceAllLiteral", SSS, static (a, c) =>
        {
            var replacement = a[2].AsString;
            return GoValue.String(RegexSite.Get(c, a[0].AsString).Replace(a[1].AsString, _ => replacement));
        }, regex: true);
        add("count", SS, static (a, c) => GoValue.Int(CountMatches(RegexSite.Get(c, a[0].AsString), a[1].AsString)), regex: true);

        add("urldecode", S, static (a, _) => GoValue.String(GoStrings.QueryUnescape(a[0].AsString)));
        add("urlencode", S, static (a, _) => GoValue.String(GoStrings.QueryEscape(a[0].AsString)));
        add("bytes", S, static (a, _) => GoValue.Float(GoConversions.ParseBytes(a[0].AsString)));
        add("duration", S, static (a, _) => GoValue.Float(GoConversions.ParseDurationSeconds(a[0].AsString)));
        add("duration_seconds", S, static (a, _) => GoValue.Float(GoConversions.ParseDurationSeconds(a[0].AsString)));
        add("unixEpochMillis", T, static (a, _) => GoValue.String(a[0].AsTime.UnixMilli.ToString(CultureInfo.InvariantCulture)));
        add("unixEpochNanos", T, static (a, _) => GoValue.String(a[0].AsTime.UnixNano.ToString(CultureInfo.InvariantCulture)));
        add("toDateInZone", SSS, static (a, _) =>
        {
            var zone = FindZone(a[1].AsString);
            return GoValue.Time(GoTimeLayout.TryParse(a[0].AsString, a[2].AsString, zone, out var t) ? t : GoTime.Zero);
        });
        add("unixToTime", S, static (a, _) => GoValue.Time(UnixToTime(a[0].AsString)));
        add("alignLeft", IS, static (a, _) => GoValue.String(Align(a[0].AsInt, a[1].AsString, left: true)));
        add("alignRight", IS, static (a, _) => GoValue.String(Align(a[0].AsInt, a[1].AsString, left: false)));
    }

    /// <summary>Go's <c>time.LoadLocation</c>; Loki falls back to UTC for unknown zones.</summary>
    internal static TimeZoneInfo? FindZone(string name)
    {
        if (name is "" or "UTC" or "Local")
        {
            return null;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>Regexp.FindAllStringIndex count: an empty match right after a previous match is not counted.</summary>
    private static int CountMatches(Regex regex, string s)
    {
        var count = 0;
        var previousEnd = -1;
        for (var m = regex.Match(s); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0 && m.Index == previousEnd)
            {
                continue;
            }
            count++;
            previousEnd = m.Index + m.Length;
        }
        return count;
    }

    private static GoTime UnixToTime(string epoch)
    {
        if (!long.TryParse(epoch, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
        {
            var reason = epoch.Length > 0 && epoch.AsSpan().TrimStart("+-").IndexOfAnyExceptInRange('0', '9') < 0 && epoch.TrimStart('+', '-').Length > 0
                ? "value out of range"
                : "invalid syntax";
            throw new TemplateFunctionException("unable to parse time '" + epoch + "': strconv.ParseInt: parsing " + Loggia.Query.LogQL.Syntax.GoString.Quote(epoch) + ": " + reason);
        }
        return epoch.Length switch
        {
            5 => GoTime.FromUnixSeconds(i * 86400), // days
            10 => GoTime.FromUnixSeconds(i),
            13 => GoTime.FromUnixNanos(i * 1_000_000),
            16 => GoTime.FromUnixNanos(i * 1000),
            19 => GoTime.FromUnixNanos(i),
            // Loki wraps a nil error here, which Go prints as %!w(<nil>).
            _ => throw new TemplateFunctionException("unable to parse time '" + epoch + "': %!w(<nil>)"),
        };
    }

    private static string Align(long count, string s, bool left)
    {
        var runes = GoStrings.RuneCount(s);
        if (count < 0 || count == runes)
        {
            return s;
        }
        var pad = count - runes;
        if (pad > 0)
        {
            var padding = new string(' ', (int)Math.Min(pad, 1 << 20));
            return left ? s + padding : padding + s;
        }
        return left ? GoStrings.RuneSlice(s, 0, (int)count) : GoStrings.RuneSlice(s, runes - (int)count, runes);
    }
}
