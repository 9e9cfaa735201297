namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// Range state that keeps each sample (timestamp, value): <c>quantile_over_time</c> (with a quantile function) and
/// <c>rate_counter</c> (without one) need all of a window's samples in time order. Samples from several streams of one
/// series may arrive out of order, so they are sorted (stably) once, then each step's window is a slice.
/// </summary>
internal sealed class SampleListCells(Func<double[], double>? quantile) : RangeCells
{
    private readonly List<(long Time, double Value)> _samples = [];

    public override void Add(int first, int last, long timestamp, double value) => _samples.Add((timestamp, value));

    public override void Emit(StepSeries target, in RangeWindow window)
    {
        var samples = _samples.ToArray();
        var order = new int[samples.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        Array.Sort(order, (a, b) => samples[a].Time != samples[b].Time ? samples[a].Time.CompareTo(samples[b].Time) : a.CompareTo(b));
        var times = new long[samples.Length];
        var values = new double[samples.Length];
        for (var i = 0; i < order.Length; i++)
        {
            (times[i], values[i]) = samples[order[i]];
        }

        var lo = 0;
        var hi = 0;
        for (var step = 0; step < target.Values.Length; step++)
        {
            var end = window.WindowEnd(step);
            var start = end - window.RangeNanos;
            while (lo < times.Length && times[lo] <= start)
            {
                lo++;
            }
            if (hi < lo)
            {
                hi = lo;
            }
            while (hi < times.Length && times[hi] <= end)
            {
                hi++;
            }
            if (hi == lo)
            {
                continue;
            }
            target.Set(step, quantile is null
                ? ExtrapolatedRate(times.AsSpan(lo, hi - lo), values.AsSpan(lo, hi - lo), window.RangeNanos, window.RangeSeconds)
                : quantile(values[lo..hi]));
        }
    }

    /// <summary>Prometheus' quantile over values (sorted in place): NaN for none, ±Inf for q outside [0, 1].</summary>
    public static double Quantile(double q, double[] values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        if (q < 0)
        {
            return double.NegativeInfinity;
        }
        if (q > 1)
        {
            return double.PositiveInfinity;
        }
        Array.Sort(values);
        var n = (double)values.Length;
        var rank = q * (n - 1);
        var lower = Math.Max(0, Math.Floor(rank));
        var upper = Math.Min(n - 1, lower + 1);
        var weight = rank - Math.Floor(rank);
        return (values[(int)lower] * (1 - weight)) + (values[(int)upper] * weight);
    }

    /// <summary>
    /// Loki's <c>rate_counter</c>: Prometheus' extrapolated counter rate as Loki computes it, with sample timestamps
    /// in nanoseconds against a range in milliseconds, exactly as Loki does, so results are the same numbers.
    /// </summary>
    private static double ExtrapolatedRate(ReadOnlySpan<long> times, ReadOnlySpan<double> values, long rangeNanos, double rangeSeconds)
    {
        if (values.Length < 2)
        {
            return 0;
        }
        var firstT = times[0];
        var lastT = times[^1];
        var rangeStart = firstT - (rangeNanos / 1_000_000);
        var rangeEnd = lastT;
        var result = values[^1] - values[0];
        double lastValue = 0;
        foreach (var v in values)
        {
            if (v < lastValue)
            {
                result += lastValue;
            }
            lastValue = v;
        }
        var durationToStart = (firstT - rangeStart) / 1000.0;
        var durationToEnd = (rangeEnd - lastT) / 1000.0;
        var sampledInterval = (lastT - firstT) / 1000.0;
        var averageBetween = sampledInterval / (values.Length - 1);
        if (result > 0 && values[0] >= 0)
        {
            var durationToZero = sampledInterval * (values[0] / result);
            if (durationToZero < durationToStart)
            {
                durationToStart = durationToZero;
            }
        }
        var threshold = averageBetween * 1.1;
        var extrapolateTo = sampledInterval;
        extrapolateTo += durationToStart < threshold ? durationToStart : averageBetween / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
        result *= extrapolateTo / sampledInterval;
        return result / rangeSeconds;
    }
}
