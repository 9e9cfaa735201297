using System.Globalization;
using Loggia.Core.Units;

namespace Loggia.Cli.Commands;

/// <summary>
/// The time range of the read commands (<c>loggia query</c>, <c>loggia terms</c>): <c>-to</c> (RFC3339, default now),
/// then <c>-from</c> (RFC3339, default <c>-to</c> minus <c>-since</c>). A bad value is a usage error with a message
/// naming the flag, never an exception.
/// </summary>
internal readonly record struct CliTimeRange(DateTimeOffset From, DateTimeOffset To)
{
    // Unix nanoseconds in an i64 reach from 1970 (the API takes no earlier time) to 2262.
    private static readonly DateTimeOffset Latest = DateTimeOffset.FromUnixTimeMilliseconds(long.MaxValue / 1_000_000);

    /// <summary>Start of the range in Unix nanoseconds (millisecond precision), as the HTTP API takes it.</summary>
    public long FromNanos => From.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>End of the range in Unix nanoseconds (millisecond precision), as the HTTP API takes it.</summary>
    public long ToNanos => To.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>
    /// Reads <c>-since</c> (default <paramref name="defaultSince"/>), <c>-from</c> and <c>-to</c> from
    /// <paramref name="flags"/>; on a bad value returns false with <paramref name="error"/> such as
    /// <c>invalid -from 'yesterday' (want an RFC3339 time from 1970 on, e.g. 2026-12-07T12:00:00Z)</c>.
    /// </summary>
    public static bool TryParse(CliFlags flags, string defaultSince, DateTimeOffset now, out CliTimeRange range, out string error)
    {
        range = default;
        var sinceText = flags.Get("since", defaultSince);
        if (!DurationParser.TryParse(sinceText, out var since) || since < TimeSpan.Zero)
        {
            error = $"invalid -since '{sinceText}' (want a duration, e.g. 1h, 7d)";
            return false;
        }

        var to = now;
        if (flags.Get("to", "") is { Length: > 0 } toText && !TryParseTime(toText, out to))
        {
            error = $"invalid -to '{toText}' (want an RFC3339 time from 1970 on, e.g. 2026-12-07T12:00:00Z)";
            return false;
        }

        DateTimeOffset from;
        if (flags.Get("from", "") is { Length: > 0 } fromText)
        {
            if (!TryParseTime(fromText, out from))
            {
                error = $"invalid -from '{fromText}' (want an RFC3339 time from 1970 on, e.g. 2026-12-07T12:00:00Z)";
                return false;
            }
        }
        else if (to - DateTimeOffset.UnixEpoch < since)
        {
            error = $"invalid -since '{sinceText}' (reaches before 1970)";
            return false;
        }
        else
        {
            from = to - since;
        }

        range = new CliTimeRange(from, to);
        error = "";
        return true;
    }

    private static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time)
        && time >= DateTimeOffset.UnixEpoch && time <= Latest;
}
