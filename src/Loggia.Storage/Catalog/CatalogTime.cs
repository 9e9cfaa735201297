namespace Loggia.Storage.Catalog;

/// <summary>
/// Converts <see cref="DateTimeOffset"/> to and from the int64 Unix nanoseconds the catalog stores,
/// so every time column is the same type and compares with plain integer ordering.
/// </summary>
internal static class CatalogTime
{
    private const long NanosPerTick = 100;

    /// <summary>Earliest instant representable as int64 Unix nanoseconds (1677-09-21).</summary>
    public static readonly DateTimeOffset MinCreatedAt = DateTimeOffset.UnixEpoch.AddTicks(long.MinValue / NanosPerTick);

    /// <summary>Latest instant representable as int64 Unix nanoseconds (2262-04-11).</summary>
    public static readonly DateTimeOffset MaxCreatedAt = DateTimeOffset.UnixEpoch.AddTicks(long.MaxValue / NanosPerTick);

    public static long ToUnixNanos(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosPerTick;

    public static DateTimeOffset FromUnixNanos(long nanos) =>
        DateTimeOffset.UnixEpoch.AddTicks(nanos / NanosPerTick);
}
