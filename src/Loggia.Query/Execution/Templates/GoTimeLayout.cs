using System.Globalization;
using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Go's reference-time layouts (<c>Mon Jan 2 15:04:05 MST 2006</c>): formatting as <c>Time.Format</c>
/// does and parsing as <c>time.ParseInLocation</c> does for the elements in common use.
/// </summary>
internal static class GoTimeLayout
{
    private enum Std
    {
        None,
        LongMonth, Month, NumMonth, ZeroMonth,
        LongWeekDay, WeekDay,
        Day, UnderDay, ZeroDay, UnderYearDay, ZeroYearDay,
        Hour, Hour12, ZeroHour12,
        Minute, ZeroMinute,
        Second, ZeroSecond,
        LongYear, Year,
        PM, pm,
        TZ,
        ISO8601TZ, ISO8601SecondsTZ, ISO8601ShortTZ, ISO8601ColonTZ, ISO8601ColonSecondsTZ,
        NumTZ, NumSecondsTz, NumShortTZ, NumColonTZ, NumColonSecondsTZ,
        FracSecond0, FracSecond9,
    }

    private static readonly string[] LongMonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] LongDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    /// <summary>Finds the next layout element at or after <paramref name="from"/>; returns its start or -1.</summary>
    private static int NextStd(string layout, int from, out Std std, out int length)
    {
        for (var i = from; i < layout.Length; i++)
        {
            var rest = layout.AsSpan(i);
            switch (layout[i])
            {
                case 'J':
                    if (rest.StartsWith("Jan"))
                    {
                        (std, length) = rest.StartsWith("January") ? (Std.LongMonth, 7) : (Std.Month, 3);
                        return i;
                    }
                    break;
                case 'M':
                    if (rest.StartsWith("Mon"))
                    {
                        (std, length) = rest.StartsWith("Monday") ? (Std.LongWeekDay, 6) : (Std.WeekDay, 3);
                        return i;
                    }
                    if (rest.StartsWith("MST"))
                    {
                        (std, length) = (Std.TZ, 3);
                        return i;
                    }
                    break;
                case '0':
                    if (rest.Length >= 2 && rest[1] >= '1' && rest[1] <= '6')
                    {
                        std = rest[1] switch
                        {
                            '1' => Std.ZeroMonth,
                            '2' => Std.ZeroDay,
                            '3' => Std.ZeroHour12,
                            '4' => Std.ZeroMinute,
                            '5' => Std.ZeroSecond,
                            _ => Std.Year,
                        };
                        length = 2;
                        return i;
                    }
                    if (rest.StartsWith("002"))
                    {
                        (std, length) = (Std.ZeroYearDay, 3);
                        return i;
                    }
                    break;
                case '1':
                    (std, length) = rest.StartsWith("15") ? (Std.Hour, 2) : (Std.NumMonth, 1);
                    return i;
                case '2':
                    (std, length) = rest.StartsWith("2006") ? (Std.LongYear, 4) : (Std.Day, 1);
                    return i;
                case '_':
                    if (rest.StartsWith("_2"))
                    {
                        if (rest.StartsWith("_2006"))
                        {
                            // "_2006" is a literal underscore followed by the year, as in Go.
                            (std, length) = (Std.LongYear, 4);
                            return i + 1;
                        }
                        (std, length) = (Std.UnderDay, 2);
                        return i;
                    }
                    if (rest.StartsWith("__2"))
                    {
                        (std, length) = (Std.UnderYearDay, 3);
                        return i;
                    }
                    break;
                case '3':
                    (std, length) = (Std.Hour12, 1);
                    return i;
                case '4':
                    (std, length) = (Std.Minute, 1);
                    return i;
                case '5':
                    (std, length) = (Std.Second, 1);
                    return i;
                case 'P':
                    if (rest.StartsWith("PM"))
                    {
                        (std, length) = (Std.PM, 2);
                        return i;
                    }
                    break;
                case 'p':
                    if (rest.StartsWith("pm"))
                    {
                        (std, length) = (Std.pm, 2);
                        return i;
                    }
                    break;
                case '-':
                    if (TryZone(rest, out std, out length, numeric: true))
                    {
                        return i;
                    }
                    break;
                case 'Z':
                    if (TryZone(rest, out std, out length, numeric: false))
                    {
                        return i;
                    }
                    break;
                case '.':
                case ',':
                    if (rest.Length >= 2 && rest[1] is '0' or '9')
                    {
                        var ch = rest[1];
                        var j = 1;
                        while (j < rest.Length && rest[j] == ch)
                        {
                            j++;
                        }
                        if (j >= rest.Length || !char.IsAsciiDigit(rest[j]))
                        {
                            std = ch == '0' ? Std.FracSecond0 : Std.FracSecond9;
                            length = j;
                            return i;
                        }
                    }
                    break;
            }
        }
        std = Std.None;
        length = 0;
        return -1;
    }

    private static bool TryZone(ReadOnlySpan<char> rest, out Std std, out int length, bool numeric)
    {
        var body = rest[1..];
        (std, length) = body switch
        {
            _ when body.StartsWith("070000") => (numeric ? Std.NumSecondsTz : Std.ISO8601SecondsTZ, 7),
            _ when body.StartsWith("07:00:00") => (numeric ? Std.NumColonSecondsTZ : Std.ISO8601ColonSecondsTZ, 9),
            _ when body.StartsWith("0700") => (numeric ? Std.NumTZ : Std.ISO8601TZ, 5),
            _ when body.StartsWith("07:00") => (numeric ? Std.NumColonTZ : Std.ISO8601ColonTZ, 6),
            _ when body.StartsWith("07") => (numeric ? Std.NumShortTZ : Std.ISO8601ShortTZ, 3),
            _ => (Std.None, 0),
        };
        return std != Std.None;
    }

    /// <summary>Appends <paramref name="t"/> formatted with Go layout <paramref name="layout"/>.</summary>
    public static void Format(StringBuilder sb, GoTime t, string layout)
    {
        var offset = t.OffsetSeconds;
        var wall = t.Wall;
        var pos = 0;
        while (true)
        {
            var at = NextStd(layout, pos, out var std, out var length);
            if (at < 0)
            {
                sb.Append(layout, pos, layout.Length - pos);
                return;
            }
            sb.Append(layout, pos, at - pos);
            pos = at + length;
            switch (std)
            {
                case Std.Year: Pad(sb, wall.Year % 100, 2); break;
                case Std.LongYear: Pad(sb, wall.Year, 4); break;
                case Std.Month: sb.Append(LongMonthNames[wall.Month - 1], 0, 3); break;
                case Std.LongMonth: sb.Append(LongMonthNames[wall.Month - 1]); break;
                case Std.NumMonth: sb.Append(wall.Month); break;
                case Std.ZeroMonth: Pad(sb, wall.Month, 2); break;
                case Std.WeekDay: sb.Append(LongDayNames[(int)wall.DayOfWeek], 0, 3); break;
                case Std.LongWeekDay: sb.Append(LongDayNames[(int)wall.DayOfWeek]); break;
                case Std.Day: sb.Append(wall.Day); break;
                case Std.UnderDay:
                    if (wall.Day < 10)
                    {
                        sb.Append(' ');
                    }
                    sb.Append(wall.Day);
                    break;
                case Std.ZeroDay: Pad(sb, wall.Day, 2); break;
                case Std.UnderYearDay:
                    sb.Append(wall.DayOfYear < 100 ? (wall.DayOfYear < 10 ? "  " : " ") : "").Append(wall.DayOfYear);
                    break;
                case Std.ZeroYearDay: Pad(sb, wall.DayOfYear, 3); break;
                case Std.Hour: Pad(sb, wall.Hour, 2); break;
                case Std.Hour12: sb.Append(wall.Hour % 12 == 0 ? 12 : wall.Hour % 12); break;
                case Std.ZeroHour12: Pad(sb, wall.Hour % 12 == 0 ? 12 : wall.Hour % 12, 2); break;
                case Std.Minute: sb.Append(wall.Minute); break;
                case Std.ZeroMinute: Pad(sb, wall.Minute, 2); break;
                case Std.Second: sb.Append(wall.Second); break;
                case Std.ZeroSecond: Pad(sb, wall.Second, 2); break;
                case Std.PM: sb.Append(wall.Hour >= 12 ? "PM" : "AM"); break;
                case Std.pm: sb.Append(wall.Hour >= 12 ? "pm" : "am"); break;
                case Std.ISO8601TZ or Std.ISO8601SecondsTZ or Std.ISO8601ShortTZ or Std.ISO8601ColonTZ or Std.ISO8601ColonSecondsTZ
                    when offset == 0:
                    sb.Append('Z');
                    break;
                case Std.ISO8601TZ or Std.ISO8601SecondsTZ or Std.ISO8601ShortTZ or Std.ISO8601ColonTZ or Std.ISO8601ColonSecondsTZ
                    or Std.NumTZ or Std.NumSecondsTz or Std.NumShortTZ or Std.NumColonTZ or Std.NumColonSecondsTZ:
                    AppendOffset(sb, offset, std);
                    break;
                case Std.TZ:
                    var abbreviation = t.Abbreviation;
                    if (abbreviation.Length > 0)
                    {
                        sb.Append(abbreviation);
                    }
                    else
                    {
                        AppendOffset(sb, offset, Std.NumTZ);
                    }
                    break;
                case Std.FracSecond0:
                case Std.FracSecond9:
                    AppendFraction(sb, t.Nanos, layout[at], length - 1, std == Std.FracSecond9);
                    break;
            }
        }
    }

    private static void AppendOffset(StringBuilder sb, int offset, Std std)
    {
        var minutes = offset / 60;
        sb.Append(minutes < 0 ? '-' : '+');
        var abs = Math.Abs(minutes);
        Pad(sb, abs / 60, 2);
        var colon = std is Std.ISO8601ColonTZ or Std.NumColonTZ or Std.ISO8601ColonSecondsTZ or Std.NumColonSecondsTZ;
        if (std is not (Std.ISO8601ShortTZ or Std.NumShortTZ))
        {
            if (colon)
            {
                sb.Append(':');
            }
            Pad(sb, abs % 60, 2);
        }
        if (std is Std.ISO8601SecondsTZ or Std.NumSecondsTz or Std.ISO8601ColonSecondsTZ or Std.NumColonSecondsTZ)
        {
            if (colon)
            {
                sb.Append(':');
            }
            Pad(sb, Math.Abs(offset) % 60, 2);
        }
    }

    private static void AppendFraction(StringBuilder sb, int nanos, char separator, int digits, bool trimZeros)
    {
        Span<char> buf = stackalloc char[9];
        nanos.TryFormat(buf, out _, "D9", CultureInfo.InvariantCulture);
        var n = Math.Min(digits, 9);
        if (trimZeros)
        {
            while (n > 0 && buf[n - 1] == '0')
            {
                n--;
            }
            if (n == 0)
            {
                return;
            }
        }
        sb.Append(separator).Append(buf[..n]);
    }

    private static void Pad(StringBuilder sb, int value, int width)
    {
        if (value < 0)
        {
            sb.Append('-');
            value = -value;
        }
        Span<char> buf = stackalloc char[11];
        value.TryFormat(buf, out var written, default, CultureInfo.InvariantCulture);
        for (var i = written; i < width; i++)
        {
            sb.Append('0');
        }
        sb.Append(buf[..written]);
    }

    /// <summary>
    /// Go's <c>time.ParseInLocation(layout, value, zone)</c>; false where Go returns an error (the
    /// template functions that parse dates ignore the error text and return the zero time).
    /// </summary>
    public static bool TryParse(string layout, string value, TimeZoneInfo? zone, out GoTime result)
    {
        result = GoTime.Zero;
        int year = 1, month = -1, day = -1, hour = 0, minute = 0, second = 0, nanos = 0;
        var pmSet = false;
        var amSet = false;
        int? offset = null;
        var utcByName = false;
        var pos = 0;
        var v = value.AsSpan();
        while (true)
        {
            var at = NextStd(layout, pos, out var std, out var length);
            var literal = layout.AsSpan(pos, (at < 0 ? layout.Length : at) - pos);
            if (!SkipLiteral(ref v, literal))
            {
                return false;
            }
            if (at < 0)
            {
                if (v.Length != 0)
                {
                    return false; // extra text
                }
                break;
            }
            pos = at + length;
            var ok = true;
            switch (std)
            {
                case Std.Year:
                    ok = TakeDigits(ref v, 2, 2, out year);
                    year += year >= 69 ? 1900 : 2000;
                    break;
                case Std.LongYear:
                    ok = TakeDigits(ref v, 4, 4, out year);
                    break;
                case Std.Month:
                case Std.LongMonth:
                    ok = TakeName(ref v, LongMonthNames, std == Std.Month, out month);
                    month++;
                    break;
                case Std.NumMonth:
                case Std.ZeroMonth:
                    ok = TakeDigits(ref v, std == Std.ZeroMonth ? 2 : 1, 2, out month) && month is >= 1 and <= 12;
                    break;
                case Std.WeekDay:
                case Std.LongWeekDay:
                    ok = TakeName(ref v, LongDayNames, std == Std.WeekDay, out _);
                    break;
                case Std.Day:
                case Std.UnderDay:
                case Std.ZeroDay:
                    if (std == Std.UnderDay && v.Length > 0 && v[0] == ' ')
                    {
                        v = v[1..];
                    }
                    ok = TakeDigits(ref v, std == Std.ZeroDay ? 2 : 1, 2, out day);
                    break;
                case Std.Hour:
                    ok = TakeDigits(ref v, 1, 2, out hour) && hour < 24;
                    break;
                case Std.Hour12:
                case Std.ZeroHour12:
                    ok = TakeDigits(ref v, std == Std.ZeroHour12 ? 2 : 1, 2, out hour) && hour <= 12;
                    break;
                case Std.Minute:
                case Std.ZeroMinute:
                    ok = TakeDigits(ref v, std == Std.ZeroMinute ? 2 : 1, 2, out minute) && minute < 60;
                    break;
                case Std.Second:
                case Std.ZeroSecond:
                    ok = TakeDigits(ref v, std == Std.ZeroSecond ? 2 : 1, 2, out second) && second < 60;
                    // Go accepts a fractional second after the seconds even when the layout has none.
                    if (ok && v.Length >= 2 && v[0] is '.' or ',' && char.IsAsciiDigit(v[1]))
                    {
                        NextStd(layout, pos, out var following, out _);
                        if (following is not (Std.FracSecond0 or Std.FracSecond9))
                        {
                            ok = TakeFraction(ref v, -1, out nanos);
                        }
                    }
                    break;
                case Std.PM:
                case Std.pm:
                    if (v.Length < 2)
                    {
                        return false;
                    }
                    var p = v[..2];
                    var upper = std == Std.PM;
                    if (p.SequenceEqual(upper ? "PM" : "pm"))
                    {
                        pmSet = true;
                    }
                    else if (p.SequenceEqual(upper ? "AM" : "am"))
                    {
                        amSet = true;
                    }
                    else
                    {
                        return false;
                    }
                    v = v[2..];
                    break;
                case Std.ISO8601TZ or Std.ISO8601SecondsTZ or Std.ISO8601ShortTZ or Std.ISO8601ColonTZ or Std.ISO8601ColonSecondsTZ
                    when v.Length > 0 && v[0] == 'Z':
                    v = v[1..];
                    offset = 0;
                    utcByName = true;
                    break;
                case Std.ISO8601TZ or Std.ISO8601SecondsTZ or Std.ISO8601ShortTZ or Std.ISO8601ColonTZ or Std.ISO8601ColonSecondsTZ
                    or Std.NumTZ or Std.NumSecondsTz or Std.NumShortTZ or Std.NumColonTZ or Std.NumColonSecondsTZ:
                    ok = TakeOffset(ref v, std, out var off);
                    offset = off;
                    break;
                case Std.TZ:
                    ok = TakeZoneName(ref v, out var isUtc);
                    if (isUtc)
                    {
                        offset = 0;
                        utcByName = true;
                    }
                    break;
                case Std.FracSecond0:
                    ok = v.Length >= length && v[0] == layout[at] && TakeFraction(ref v, length - 1, out nanos);
                    break;
                case Std.FracSecond9:
                    if (v.Length >= 2 && v[0] == layout[at] && char.IsAsciiDigit(v[1]))
                    {
                        ok = TakeFraction(ref v, -1, out nanos);
                    }
                    break;
                default:
                    return false; // day-of-year parsing is not supported
            }
            if (!ok)
            {
                return false;
            }
        }
        if (pmSet && hour < 12)
        {
            hour += 12;
        }
        else if (amSet && hour == 12)
        {
            hour = 0;
        }
        if (month < 0)
        {
            month = 1;
        }
        if (day < 0)
        {
            day = 1;
        }
        if (year < 1 || year > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        var wallSeconds = (long)(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
        if (offset is { } o)
        {
            var location = utcByName && o == 0 ? null : zone;
            var instant = wallSeconds - o;
            var t = new GoTime(instant, nanos, location);
            if (location is not null && t.OffsetSeconds != o)
            {
                // Go fabricates a fixed zone with the parsed offset when it differs from the location's.
                t = new GoTime(instant, nanos, TimeZoneInfo.CreateCustomTimeZone("fixed", TimeSpan.FromSeconds(o), "", ""));
            }
            result = t;
            return true;
        }
        if (zone is null)
        {
            result = new GoTime(wallSeconds, nanos, null);
            return true;
        }
        var wall = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        var zoneOffset = zone.IsInvalidTime(wall) ? zone.BaseUtcOffset : zone.GetUtcOffset(wall);
        result = new GoTime(wallSeconds - (long)zoneOffset.TotalSeconds, nanos, zone);
        return true;
    }

    private static bool SkipLiteral(ref ReadOnlySpan<char> v, ReadOnlySpan<char> literal)
    {
        // Go lets a run of spaces in the layout match any run of spaces in the value.
        while (literal.Length > 0)
        {
            if (literal[0] == ' ')
            {
                if (v.Length > 0 && v[0] != ' ')
                {
                    return false;
                }
                literal = literal.TrimStart(' ');
                v = v.TrimStart(' ');
                continue;
            }
            if (v.Length == 0 || v[0] != literal[0])
            {
                return false;
            }
            v = v[1..];
            literal = literal[1..];
        }
        return true;
    }

    private static bool TakeDigits(ref ReadOnlySpan<char> v, int min, int max, out int value)
    {
        value = 0;
        var n = 0;
        while (n < max && n < v.Length && char.IsAsciiDigit(v[n]))
        {
            value = (value * 10) + (v[n] - '0');
            n++;
        }
        if (n < min)
        {
            return false;
        }
        v = v[n..];
        return true;
    }

    private static bool TakeFraction(ref ReadOnlySpan<char> v, int exactDigits, out int nanos)
    {
        nanos = 0;
        var n = 1;
        var scale = 100_000_000;
        while (n < v.Length && char.IsAsciiDigit(v[n]) && (exactDigits < 0 || n <= exactDigits))
        {
            nanos += (v[n] - '0') * scale;
            scale /= 10;
            n++;
        }
        if (exactDigits >= 0 && n - 1 != exactDigits)
        {
            return false;
        }
        v = v[n..];
        return true;
    }

    private static bool TakeName(ref ReadOnlySpan<char> v, string[] names, bool abbreviated, out int index)
    {
        for (index = 0; index < names.Length; index++)
        {
            var name = abbreviated ? names[index].AsSpan(0, 3) : names[index];
            if (v.Length >= name.Length && v[..name.Length].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                v = v[name.Length..];
                return true;
            }
        }
        return false;
    }

    private static bool TakeOffset(ref ReadOnlySpan<char> v, Std std, out int offset)
    {
        offset = 0;
        if (v.Length < 3 || v[0] is not ('+' or '-'))
        {
            return false;
        }
        var sign = v[0] == '-' ? -1 : 1;
        v = v[1..];
        if (!TakeDigits(ref v, 2, 2, out var hh))
        {
            return false;
        }
        int mm = 0, ss = 0;
        var colon = std is Std.ISO8601ColonTZ or Std.NumColonTZ or Std.ISO8601ColonSecondsTZ or Std.NumColonSecondsTZ;
        if (std is not (Std.ISO8601ShortTZ or Std.NumShortTZ))
        {
            if (colon && (v.Length == 0 || v[0] != ':'))
            {
                return false;
            }
            if (colon)
            {
                v = v[1..];
            }
            if (!TakeDigits(ref v, 2, 2, out mm))
            {
                return false;
            }
        }
        if (std is Std.ISO8601SecondsTZ or Std.NumSecondsTz or Std.ISO8601ColonSecondsTZ or Std.NumColonSecondsTZ)
        {
            if (colon)
            {
                if (v.Length == 0 || v[0] != ':')
                {
                    return false;
                }
                v = v[1..];
            }
            if (!TakeDigits(ref v, 2, 2, out ss))
            {
                return false;
            }
        }
        offset = sign * ((hh * 3600) + (mm * 60) + ss);
        return true;
    }

    private static bool TakeZoneName(ref ReadOnlySpan<char> v, out bool isUtc)
    {
        var n = 0;
        while (n < v.Length && char.IsAsciiLetterUpper(v[n]))
        {
            n++;
        }
        isUtc = n == 3 && (v[..3].SequenceEqual("UTC") || v[..3].SequenceEqual("GMT"));
        if (n < 3)
        {
            return false;
        }
        v = v[n..];
        return true;
    }
}
