using System.Globalization;
using Loggia.Core.Units;
using Microsoft.AspNetCore.Http;

namespace Loggia.Server.Http;

/// <summary>Parameters of <c>/loki/api/v1/query_range</c> (and, with <see cref="IsInstant"/>, <c>/query</c>).</summary>
/// <param name="Query">The LogQL text.</param>
/// <param name="StartNanos">Start (inclusive), UTC nanoseconds.</param>
/// <param name="EndNanos">End, UTC nanoseconds (exclusive for log queries, as in Loki).</param>
/// <param name="Limit">Maximum entries for log queries.</param>
/// <param name="Forward">True for <c>direction=forward</c>; Loki's default is backward.</param>
/// <param name="Step">Resolution step of metric range queries.</param>
/// <param name="IsInstant">True for an instant query (<c>time</c> instead of start/end).</param>
public sealed record LokiQueryParameters(string Query, long StartNanos, long EndNanos, int Limit, bool Forward, TimeSpan Step, bool IsInstant)
{
    /// <summary>Loki's default <c>limit</c>.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Loki's <c>interval</c> for log range queries: the least time between two returned entries (zero: all).</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>Loki's default look-back when <c>start</c> is absent.</summary>
    public static readonly TimeSpan DefaultSince = TimeSpan.FromHours(1);

    /// <summary>Loki's cap on points per series of a range query.</summary>
    public const int MaxPointsPerSeries = 11_000;

    /// <summary>Parses a range query's parameters with Loki's rules and messages.</summary>
    public static bool TryParseRange(IQueryCollection form, long nowNanos, int maxEntriesLimit, out LokiQueryParameters parameters, out string error)
    {
        ArgumentNullException.ThrowIfNull(form);
        parameters = null!;
        var query = form["query"].ToString();
        if (!TryParseLimit(form["limit"].ToString(), maxEntriesLimit, out var limit, out error)
            || !TryParseTimestamp(form["end"].ToString(), nowNanos, out var end, out error))
        {
            return false;
        }

        var defaultStart = nowNanos - (DefaultSince.Ticks * 100);
        if (form.TryGetValue("since", out var since) && since.ToString().Length > 0)
        {
            if (!DurationParser.TryParse(since.ToString(), out var sinceDuration))
            {
                error = $"cannot parse \"{since}\" to a valid duration";
                return false;
            }

            defaultStart = end - (sinceDuration.Ticks * 100);
        }

        if (!TryParseTimestamp(form["start"].ToString(), defaultStart, out var start, out error)
            || !TryParseDirection(form["direction"].ToString(), out var forward, out error))
        {
            return false;
        }

        if (end < start)
        {
            error = "end timestamp must not be before or equal to start time";
            return false;
        }

        if (!TryParseStep(form["step"].ToString(), start, end, out var step, out error))
        {
            return false;
        }

        if (step <= TimeSpan.Zero)
        {
            error = "zero or negative query resolution step widths are not accepted. Try a positive integer";
            return false;
        }

        if ((end - start) / (step.Ticks * 100) > MaxPointsPerSeries)
        {
            error = "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)";
            return false;
        }

        // `interval` (log queries): only entries at least this far apart are returned; absent means every entry.
        var interval = TimeSpan.Zero;
        var intervalText = form["interval"].ToString();
        if (intervalText.Length > 0 && !TryParseStep(intervalText, start, end, out interval, out error))
        {
            return false;
        }

        if (interval < TimeSpan.Zero)
        {
            error = "interval must be >= 0";
            return false;
        }

        parameters = new LokiQueryParameters(query, start, end, limit, forward, step, IsInstant: false) { Interval = interval };
        return true;
    }

    /// <summary>Parses an instant query's parameters (<c>time</c>, default now).</summary>
    public static bool TryParseInstant(IQueryCollection form, long nowNanos, int maxEntriesLimit, out LokiQueryParameters parameters, out string error)
    {
        ArgumentNullException.ThrowIfNull(form);
        parameters = null!;
        if (!TryParseLimit(form["limit"].ToString(), maxEntriesLimit, out var limit, out error)
            || !TryParseTimestamp(form["time"].ToString(), nowNanos, out var time, out error)
            || !TryParseDirection(form["direction"].ToString(), out var forward, out error))
        {
            return false;
        }

        parameters = new LokiQueryParameters(form["query"].ToString(), time, time, limit, forward, TimeSpan.Zero, IsInstant: true);
        return true;
    }

    /// <summary>
    /// Loki's timestamp rules: a value with a dot is float seconds (rounded to milliseconds); an
    /// integer of at most 10 digits is seconds, a longer one nanoseconds; otherwise RFC3339 (with
    /// fractional seconds). Empty means <paramref name="defaultNanos"/>.
    /// </summary>
    public static bool TryParseTimestamp(string value, long defaultNanos, out long nanos, out string error)
    {
        error = "";
        nanos = defaultNanos;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (value.Contains('.', StringComparison.Ordinal)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
        {
            var whole = Math.Truncate(seconds);
            var fraction = Math.Round((seconds - whole) * 1000) / 1000;
            nanos = ((long)whole * 1_000_000_000) + (long)(fraction * 1_000_000_000);
            return true;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            nanos = value.Length <= 10 ? number * 1_000_000_000 : number;
            return true;
        }

        var (truncated, extraNanos) = SplitSubTickDigits(value);
        if (value.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(truncated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            nanos = ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100) + extraNanos;
            return true;
        }

        error = $"strconv.ParseInt: parsing \"{value}\": invalid syntax";
        return false;
    }

    /// <summary>
    /// Removes the 8th and 9th fraction digits of an RFC3339 time (below .NET's 100 ns tick, which
    /// would otherwise be rounded) and returns them as nanoseconds.
    /// </summary>
    private static (string Truncated, long ExtraNanos) SplitSubTickDigits(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return (value, 0);
        }

        var end = dot + 1;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        var digits = end - dot - 1;
        if (digits <= 7)
        {
            return (value, 0);
        }

        var extra = value.Substring(dot + 8, Math.Min(2, digits - 7)).PadRight(2, '0');
        return (value[..(dot + 8)] + value[end..], long.Parse(extra, CultureInfo.InvariantCulture));
    }

    private static bool TryParseLimit(string value, int maxEntriesLimit, out int limit, out string error)
    {
        error = "";
        limit = DefaultLimit;
        if (value.Length > 0 && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            error = $"strconv.Atoi: parsing \"{value}\": invalid syntax";
            return false;
        }

        if (limit <= 0)
        {
            error = "limit must be a positive value";
            return false;
        }

        if (limit > maxEntriesLimit)
        {
            error = $"max entries limit per query exceeded, limit > max_entries_limit_per_query ({limit} > {maxEntriesLimit})";
            return false;
        }

        return true;
    }

    private static bool TryParseDirection(string value, out bool forward, out string error)
    {
        error = "";
        forward = false;
        if (value.Length == 0 || value.Equals("backward", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("forward", StringComparison.OrdinalIgnoreCase))
        {
            forward = true;
            return true;
        }

        error = $"invalid direction '{value}'";
        return false;
    }

    private static bool TryParseStep(string value, long start, long end, out TimeSpan step, out string error)
    {
        error = "";
        if (value.Length == 0)
        {
            // Loki's default: the range split into ~250 points, at least one second.
            step = TimeSpan.FromSeconds(Math.Max(Math.Floor((end - start) / 1e9 / 250), 1));
            return true;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (Math.Abs(seconds * 1e9) > long.MaxValue)
            {
                step = default;
                error = $"cannot parse \"{value}\" to a valid duration. It overflows int64";
                return false;
            }

            step = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }

        if (DurationParser.TryParse(value, out step))
        {
            return true;
        }

        error = $"cannot parse \"{value}\" to a valid duration";
        return false;
    }
}
