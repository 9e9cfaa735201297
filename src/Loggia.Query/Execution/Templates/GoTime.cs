using System.Text;

namespace Loggia.Query.Execution.Templates;

/// <summary>
/// A Go <c>time.Time</c>: Unix seconds, nanoseconds within the second and a location (null is UTC).
/// Go's <c>time.Local</c> is taken to be UTC, as it is for Loki in its container images, so
/// <c>__timestamp__</c>, <c>date</c> and <c>toDate</c> work in UTC.
/// </summary>
internal readonly record struct GoTime(long Seconds, int Nanos, TimeZoneInfo? Zone)
{
    /// <summary>Seconds from year 1 to the Unix epoch: Go's zero <c>time.Time</c> is 0001-01-01 00:00:00 UTC.</summary>
    public const long ZeroSeconds = -62135596800;

    /// <summary>Go's <c>time.Time{}</c>.</summary>
    public static readonly GoTime Zero = new(ZeroSeconds, 0, null);

    private const long MaxSeconds = 253402300799; // 9999-12-31T23:59:59Z: DateTime's range bounds the calendar math.

    public static GoTime FromUnixNanos(long nanos)
    {
        var seconds = Math.DivRem(nanos, 1_000_000_000L, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += 1_000_000_000L;
        }
        return new GoTime(seconds, (int)rest, null);
    }

    public static GoTime FromUnixSeconds(long seconds) => new(seconds, 0, null);

    /// <summary>Go's <c>UnixMilli</c> (floor division like Go's, for times before 1970 too).</summary>
    public long UnixMilli => (Seconds * 1000) + (Nanos / 1_000_000);

    /// <summary>Go's <c>UnixNano</c> (wraps outside 1678..2262 as Go's does).</summary>
    public long UnixNano => unchecked((Seconds * 1_000_000_000L) + Nanos);

    /// <summary>Offset of the location at this instant, in seconds.</summary>
    public int OffsetSeconds
    {
        get
        {
            if (Zone is null)
            {
                return 0;
            }
            return (int)Zone.GetUtcOffset(UtcDateTime).TotalSeconds;
        }
    }

    private DateTime UtcDateTime => DateTime.UnixEpoch.AddSeconds(Math.Clamp(Seconds, ZeroSeconds, MaxSeconds));

    /// <summary>The wall clock in the time's location (to the second).</summary>
    public DateTime Wall => DateTime.UnixEpoch.AddSeconds(Math.Clamp(Seconds + OffsetSeconds, ZeroSeconds, MaxSeconds));

    /// <summary>The zone abbreviation Go prints for <c>MST</c>; empty when unknown (Go then prints the offset).</summary>
    public string Abbreviation
    {
        get
        {
            if (Zone is null || Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC")
            {
                return "UTC";
            }
            var name = Zone.IsDaylightSavingTime(UtcDateTime) ? Zone.DaylightName : Zone.StandardName;
            if (name.Length is > 0 and <= 6 && !name.Contains(' ', StringComparison.Ordinal))
            {
                return name;
            }
            return "";
        }
    }

    /// <summary>Go's <c>Time.String()</c>: <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(40);
        GoTimeLayout.Format(sb, this, "2006-01-02 15:04:05.999999999 -0700 MST");
        return sb.ToString();
    }

    /// <summary>The instant in another location.</summary>
    public GoTime In(TimeZoneInfo? zone) => this with { Zone = zone };
}
