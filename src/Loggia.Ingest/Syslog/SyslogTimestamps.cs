namespace Loggia.Ingest.Syslog;

/// <summary>The two timestamp shapes of syslog: RFC 3339 (RFC 5424, rsyslog's forward format) and RFC 3164's <c>Mmm dd hh:mm:ss</c>.</summary>
internal static class SyslogTimestamps
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Reads an RFC 3339 timestamp at the start of <paramref name="text"/> up to a space or the end.</summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> text, out long nanos, out int length)
    {
        nanos = 0;
        length = 0;
        // YYYY-MM-DDTHH:MM:SS at least.
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out int year) || !Digits(text, 5, 2, out int month) || !Digits(text, 8, 2, out int day)
            || !Digits(text, 11, 2, out int hour) || !Digits(text, 14, 2, out int minute) || !Digits(text, 17, 2, out int second))
        {
            return false;
        }

        int i = 19;
        long fraction = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            int digits = 0;
            while (i < text.Length && IsDigit(text[i]))
            {
                if (digits < 9)
                {
                    fraction = (fraction * 10) + (text[i] - '0');
                    digits++;
                }

                i++;
            }

            if (digits == 0)
            {
                return false;
            }

            for (; digits < 9; digits++)
            {
                fraction *= 10;
            }
        }

        int offsetSeconds = 0;
        if (i < text.Length && (text[i] | 0x20) == 'z')
        {
            i++;
        }
        else if (i + 6 <= text.Length && (text[i] == '+' || text[i] == '-') && text[i + 3] == ':'
            && Digits(text, i + 1, 2, out int offsetHours) && Digits(text, i + 4, 2, out int offsetMinutes))
        {
            offsetSeconds = ((offsetHours * 60) + offsetMinutes) * 60 * (text[i] == '-' ? -1 : 1);
            i += 6;
        }
        else
        {
            return false;
        }

        if (i < text.Length && text[i] != ' ')
        {
            return false;
        }

        if (!TryEpochSeconds(year, month, day, hour, minute, Math.Min(second, 59), out long seconds))
        {
            return false;
        }

        nanos = ((seconds - offsetSeconds) * NanosPerSecond) + fraction;
        length = i;
        return true;
    }

    /// <summary>
    /// Reads RFC 3164's <c>Mmm dd hh:mm:ss</c> (day space- or zero-padded), in UTC. The year is not sent: it is the one
    /// that puts the time nearest to <paramref name="now"/>, so December messages read in January land in the old year.
    /// </summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> text, DateTime now, out long nanos)
    {
        nanos = 0;
        if (text.Length < 15 || text[3] != ' ' || text[6] != ' ' || text[9] != ':' || text[12] != ':')
        {
            return false;
        }

        int month = Month(text[..3]);
        int day = text[4] == ' ' ? (IsDigit(text[5]) ? text[5] - '0' : -1) : (Digits(text, 4, 2, out int d) ? d : -1);
        if (month == 0 || day < 1 || !Digits(text, 7, 2, out int hour) || !Digits(text, 10, 2, out int minute) || !Digits(text, 13, 2, out int second))
        {
            return false;
        }

        long best = 0;
        long bestDistance = long.MaxValue;
        long nowSeconds = (now.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        for (int year = now.Year - 1; year <= now.Year + 1; year++)
        {
            if (TryEpochSeconds(year, month, day, hour, minute, Math.Min(second, 59), out long seconds) && Math.Abs(seconds - nowSeconds) < bestDistance)
            {
                bestDistance = Math.Abs(seconds - nowSeconds);
                best = seconds;
            }
        }

        if (bestDistance == long.MaxValue)
        {
            return false;
        }

        nanos = best * NanosPerSecond;
        return true;
    }

    private static int Month(ReadOnlySpan<byte> name)
    {
        int key = ((name[0] | 0x20) << 16) | ((name[1] | 0x20) << 8) | (name[2] | 0x20);
        return key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    private static bool TryEpochSeconds(int year, int month, int day, int hour, int minute, int second, out long seconds)
    {
        seconds = 0;
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59)
        {
            return false;
        }

        seconds = (new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            if (!IsDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
