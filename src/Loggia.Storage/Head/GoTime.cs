using System.Globalization;

namespace Loggia.Storage.Head;

/// <summary>Time formatting that matches Go's, for messages that must read exactly like Loki's.</summary>
internal static class GoTime
{
    /// <summary>
    /// Go's <c>t.UTC().Format(time.RFC3339)</c>: <c>2006-01-02T15:04:05Z</c>; fractional seconds are truncated
    /// (toward the past, as Go's calendar arithmetic does for times before 1970 too).
    /// </summary>
    public static string FormatRfc3339(long unixNanos)
    {
        long seconds = Math.DivRem(unixNanos, 1_000_000_000L, out long remainder);
        if (remainder < 0)
        {
            seconds--;
        }

        DateTime time = DateTime.UnixEpoch.AddSeconds(seconds);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
