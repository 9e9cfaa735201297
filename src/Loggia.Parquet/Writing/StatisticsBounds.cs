namespace Loggia.Parquet.Writing;

/// <summary>
/// Truncation of byte-array statistics to a maximum length while keeping them valid bounds:
/// a minimum is cut to a prefix (still &lt;= every value); a maximum is cut to a prefix whose last
/// byte is incremented (still &gt;= every value). All-0xFF prefixes have no shorter upper bound.
/// </summary>
internal static class StatisticsBounds
{
    public static byte[] TruncateMin(ReadOnlySpan<byte> value, int maxLength, out bool exact)
    {
        exact = value.Length <= maxLength;
        return exact ? value.ToArray() : value[..maxLength].ToArray();
    }

    public static bool TryTruncateMax(ReadOnlySpan<byte> value, int maxLength, out byte[] bound, out bool exact)
    {
        exact = value.Length <= maxLength;
        if (exact)
        {
            bound = value.ToArray();
            return true;
        }

        for (var i = maxLength - 1; i >= 0; i--)
        {
            if (value[i] != 0xFF)
            {
                bound = value[..(i + 1)].ToArray();
                bound[i]++;
                return true;
            }
        }

        bound = [];
        return false;
    }
}
