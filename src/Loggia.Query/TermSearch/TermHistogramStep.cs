using Loggia.Core.Units;

namespace Loggia.Query.TermSearch;

/// <summary>
/// A histogram bucket width: whole hours (<c>1h</c>, <c>6h</c>, <c>1d</c>, <c>1w</c>, any Loki duration that is a
/// multiple of an hour), since the index knows hours. Buckets are aligned to the epoch in UTC, weeks to Mondays.
/// </summary>
/// <param name="Hours">Bucket width in hours.</param>
public readonly record struct TermHistogramStep(long Hours)
{
    private const long WeekHours = 7 * 24;

    // 1970-01-01 was a Thursday: the first Monday is 4 days later.
    private const long MondayOffsetHours = 4 * 24;

    /// <summary>Parses <paramref name="text"/> (default 1h when empty); false with a message for the 400.</summary>
    public static bool TryParse(string? text, out TermHistogramStep step, out string error)
    {
        step = new TermHistogramStep(1);
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DurationParser.TryParse(text, out var duration) || duration <= TimeSpan.Zero || duration.Ticks % TimeSpan.TicksPerHour != 0)
        {
            error = $"step: '{text}' is not a positive whole number of hours (1h, 1d, 1w, …)";
            return false;
        }

        step = new TermHistogramStep(duration.Ticks / TimeSpan.TicksPerHour);
        return true;
    }

    /// <summary>The first hour of the bucket holding <paramref name="hour"/>.</summary>
    public long BucketOf(long hour)
    {
        var offset = Hours % WeekHours == 0 ? MondayOffsetHours : 0;
        var shifted = hour - offset;
        var floor = Math.DivRem(shifted, Hours) is var (q, r) && r < 0 ? q - 1 : q;
        return (floor * Hours) + offset;
    }
}
