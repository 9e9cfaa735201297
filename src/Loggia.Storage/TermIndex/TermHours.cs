namespace Loggia.Storage.TermIndex;

/// <summary>Hour and day numbers of the term index: whole UTC hours and days since the Unix epoch.</summary>
public static class TermHours
{
    /// <summary>Nanoseconds in an hour.</summary>
    public const long HourNanos = 3_600_000_000_000L;

    /// <summary>Hours in a day (UTC has no leap hours; leap seconds are smeared away by Unix time).</summary>
    public const int HoursPerDay = 24;

    /// <summary>The hour holding <paramref name="timestampNanos"/> (floor, also before the epoch).</summary>
    public static long HourOf(long timestampNanos) => Math.DivRem(timestampNanos, HourNanos) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>The day holding <paramref name="hour"/>.</summary>
    public static long DayOfHour(long hour) => Math.DivRem(hour, HoursPerDay) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>The first hour of <paramref name="day"/>.</summary>
    public static long FirstHourOf(long day) => day * HoursPerDay;
}
