namespace Loggia.Query.Execution.Templates;

/// <summary>
/// Parses timestamps the way Promtail's <c>timestamp</c> stage does: a Go layout (<c>2006-01-02T15:04:05Z07:00</c>),
/// one of Go's named layouts (<c>RFC3339</c>, <c>RFC3339Nano</c>, <c>RFC1123</c>, …), or a Unix epoch in
/// <c>Unix</c> seconds (with an optional fraction), <c>UnixMs</c>, <c>UnixUs</c> or <c>UnixNs</c>.
/// </summary>
public static class GoTimestamps
{
    /// <summary>The Go layout <paramref name="format"/> stands for: a named layout resolved, any other text taken as a layout itself.</summary>
    public static string ResolveLayout(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format switch
        {
            "ANSIC" => "Mon Jan _2 15:04:05 2006",
            "UnixDate" => "Mon Jan _2 15:04:05 MST 2006",
            "RubyDate" => "Mon Jan 02 15:04:05 -0700 2006",
            "RFC822" => "02 Jan 06 15:04 MST",
            "RFC822Z" => "02 Jan 06 15:04 -0700",
            "RFC850" => "Monday, 02-Jan-06 15:04:05 MST",
            "RFC1123" => "Mon, 02 Jan 2006 15:04:05 MST",
            "RFC1123Z" => "Mon, 02 Jan 2006 15:04:05 -0700",
            "RFC3339" => "2006-01-02T15:04:05Z07:00",
            "RFC3339Nano" => "2006-01-02T15:04:05.999999999Z07:00",
            "Kitchen" => "3:04PM",
            "Stamp" => "Jan _2 15:04:05",
            "StampMilli" => "Jan _2 15:04:05.000",
            "StampMicro" => "Jan _2 15:04:05.000000",
            "StampNano" => "Jan _2 15:04:05.000000000",
            "DateTime" => "2006-01-02 15:04:05",
            _ => format,
        };
    }

    /// <summary>
    /// Parses <paramref name="value"/> in <paramref name="format"/> into Unix nanoseconds; times without a zone are
    /// read in <paramref name="zone"/> (UTC when null). False when the value does not fit the format.
    /// </summary>
    public static bool TryParseUnixNanos(string format, string value, TimeZoneInfo? zone, out long unixNanos)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(value);
        unixNanos = 0;
        switch (format)
        {
            case "Unix":
                return TryParseEpochSeconds(value, out unixNanos);
            case "UnixMs":
                return TryParseEpoch(value, 1_000_000, out unixNanos);
            case "UnixUs":
                return TryParseEpoch(value, 1_000, out unixNanos);
            case "UnixNs":
                return TryParseEpoch(value, 1, out unixNanos);
        }

        if (!GoTimeLayout.TryParse(ResolveLayout(format), value, zone, out var time))
        {
            return false;
        }

        unixNanos = time.UnixNano;
        return true;
    }

    private static bool TryParseEpoch(string value, long nanosPerUnit, out long unixNanos)
    {
        unixNanos = 0;
        if (!long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var units))
        {
            return false;
        }

        try
        {
            unixNanos = checked(units * nanosPerUnit);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Seconds with an optional fraction of up to nine digits (Promtail accepts <c>1562708916.414123</c>).</summary>
    private static bool TryParseEpochSeconds(string value, out long unixNanos)
    {
        unixNanos = 0;
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? value.AsSpan() : value.AsSpan(0, dot);
        if (!long.TryParse(whole, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        long fraction = 0;
        if (dot >= 0)
        {
            var digits = value.AsSpan(dot + 1);
            if (digits.Length is 0 or > 9)
            {
                return false;
            }

            foreach (var c in digits)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                fraction = (fraction * 10) + (c - '0');
            }

            for (var i = digits.Length; i < 9; i++)
            {
                fraction *= 10;
            }
        }

        try
        {
            unixNanos = checked((seconds * 1_000_000_000L) + (seconds < 0 ? -fraction : fraction));
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
