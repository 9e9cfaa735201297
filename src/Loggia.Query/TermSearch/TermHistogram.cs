using Loggia.Storage.TermIndex;

namespace Loggia.Query.TermSearch;

/// <summary>Folds the term index's per-hour counts into histogram buckets.</summary>
public static class TermHistogram
{
    /// <summary>Most buckets one request may produce.</summary>
    public const long MaxBuckets = 100_000;

    /// <summary>
    /// Every bucket of <paramref name="step"/> from the one holding <paramref name="firstHour"/> to the one holding
    /// <paramref name="lastHour"/>, empty ones included (a UI draws them), from <paramref name="hours"/> (ascending).
    /// </summary>
    public static List<TermHistogramBucket> Build(TermQuery query, IReadOnlyList<HourTermCounts> hours, long firstHour, long lastHour, TermHistogramStep step)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(hours);
        var buckets = new List<TermHistogramBucket>();
        var next = 0;
        for (var bucket = step.BucketOf(firstHour); bucket <= lastHour; bucket += step.Hours)
        {
            long present = 0, lines = 0;
            var termLines = new long[query.Terms.Count];
            var complete = true;
            for (; next < hours.Count && hours[next].Hour < bucket + step.Hours; next++)
            {
                var hour = hours[next];
                if (hour.Hour < bucket)
                {
                    continue;
                }

                complete &= hour.Complete;
                var all = long.MaxValue;
                for (var t = 0; t < query.TermHashes.Count; t++)
                {
                    var least = long.MaxValue;
                    foreach (var h in query.TermHashes[t])
                    {
                        least = Math.Min(least, hour.Lines[h]);
                    }

                    termLines[t] += least;
                    all = Math.Min(all, least);
                }

                if (all > 0)
                {
                    present++;
                    lines += all;
                }
            }

            buckets.Add(new TermHistogramBucket(bucket, present, lines, termLines, complete));
        }

        return buckets;
    }

    /// <summary>How many buckets <see cref="Build"/> would produce.</summary>
    public static long BucketCount(long firstHour, long lastHour, TermHistogramStep step) =>
        ((step.BucketOf(lastHour) - step.BucketOf(firstHour)) / step.Hours) + 1;
}
