using System.Globalization;

namespace Loggia.Query.Http;

/// <summary>Go's <c>time.RFC3339Nano</c> rendering of a UTC nanosecond timestamp, as Loki's legacy JSON writes times.</summary>
public static class GoTimeFormat
{
    /// <summary>
    /// <c>2006-01-02T15:04:05.999999999Z</c>: the fraction keeps up to nine digits with trailing zeros removed, and
    /// is left out entirely for a whole second.
    /// </summary>
    public static string Rfc3339Nano(long nanos)
    {
        var seconds = Math.DivRem(nanos, 1_000_000_000, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += 1_000_000_000;
        }

        var whole = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (fraction == 0)
        {
            return whole + "Z";
        }

        var digits = fraction.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return whole + "." + digits + "Z";
    }
}
