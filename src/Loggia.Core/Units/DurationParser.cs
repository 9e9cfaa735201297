using System.Globalization;

namespace Loggia.Core.Units;

/// <summary>
/// Parses durations as Loki's configuration accepts them: Go's <c>time.Duration</c> syntax
/// (<c>1h30m</c>, <c>500ms</c>, <c>1.5h</c>, <c>-2s</c>) plus Prometheus's day, week and year units
/// (<c>7d</c>, <c>2w</c>, <c>1y</c> = 365 days). A bare <c>0</c> is zero.
/// </summary>
public static class DurationParser
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a duration.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text is "0")
        {
            return true;
        }

        decimal totalTicks = 0;
        while (!text.IsEmpty)
        {
            var numberEnd = 0;
            while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] == '.'))
            {
                numberEnd++;
            }

            if (numberEnd == 0 || !decimal.TryParse(text[..numberEnd], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            text = text[numberEnd..];
            var unitEnd = 0;
            while (unitEnd < text.Length && !char.IsAsciiDigit(text[unitEnd]) && text[unitEnd] != '.')
            {
                unitEnd++;
            }

            long ticksPerUnit = text[..unitEnd] switch
            {
                "ns" => 0, // below TimeSpan's resolution: handled below
                "us" or "µs" or "μs" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                "w" => TimeSpan.TicksPerDay * 7,
                "y" => TimeSpan.TicksPerDay * 365,
                _ => -1,
            };
            if (ticksPerUnit < 0)
            {
                return false;
            }

            if (ticksPerUnit > 0 && number > TimeSpan.MaxValue.Ticks / ticksPerUnit)
            {
                return false;
            }

            totalTicks += ticksPerUnit == 0 ? number / 100 : number * ticksPerUnit;
            text = text[unitEnd..];
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)(negative ? -totalTicks : totalTicks));
        return true;
    }

    /// <summary>Formats a duration in the shortest Go/Prometheus form (<c>1h30m</c>, <c>7d</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = duration < TimeSpan.Zero ? "-" : "";
        var ticks = Math.Abs(duration.Ticks);
        var parts = new System.Text.StringBuilder(sign);
        Append(ref ticks, TimeSpan.TicksPerDay, "d", parts);
        Append(ref ticks, TimeSpan.TicksPerHour, "h", parts);
        Append(ref ticks, TimeSpan.TicksPerMinute, "m", parts);
        Append(ref ticks, TimeSpan.TicksPerSecond, "s", parts);
        Append(ref ticks, TimeSpan.TicksPerMillisecond, "ms", parts);
        Append(ref ticks, TimeSpan.TicksPerMicrosecond, "us", parts);
        return parts.ToString();
    }

    private static void Append(ref long ticks, long unit, string suffix, System.Text.StringBuilder parts)
    {
        if (ticks >= unit)
        {
            parts.Append(CultureInfo.InvariantCulture, $"{ticks / unit}{suffix}");
            ticks %= unit;
        }
    }
}
