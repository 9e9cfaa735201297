namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// The evaluation times of a query: <c>start + i·step</c> for <c>i</c> in <c>[0, Count)</c>, the last one at most
/// <c>end</c>. An instant query is a grid of one time with a step of 1 ns (Loki's "at least one step").
/// </summary>
internal readonly record struct StepGrid(long StartNanos, long StepNanos, int Count)
{
    public static StepGrid For(MetricQueryRequest request)
    {
        if (request.IsInstant || request.StepNanos <= 0)
        {
            return new StepGrid(request.StartNanos, 1, 1);
        }
        var count = ((request.EndNanos - request.StartNanos) / request.StepNanos) + 1;
        return new StepGrid(request.StartNanos, request.StepNanos, (int)Math.Min(count, int.MaxValue));
    }

    public long TimeAt(int step) => StartNanos + (step * StepNanos);

    /// <summary>
    /// The steps whose window <c>(t − offset − range, t − offset]</c> contains <paramref name="timestamp"/>
    /// (Loki's range iterators: start exclusive, end inclusive). Returns false when there is none.
    /// </summary>
    public bool TryGetSteps(long timestamp, long rangeNanos, long offsetNanos, out int first, out int last)
    {
        var evalStart = StartNanos - offsetNanos;
        var lo = CeilDiv(timestamp - evalStart, StepNanos);
        var hi = CeilDiv(timestamp + rangeNanos - evalStart, StepNanos) - 1;
        if (lo < 0)
        {
            lo = 0;
        }
        if (hi > Count - 1)
        {
            hi = Count - 1;
        }
        first = (int)Math.Min(lo, int.MaxValue);
        last = (int)Math.Max(hi, -1);
        return lo <= hi;
    }

    private static long CeilDiv(long a, long b)
    {
        var q = a / b;
        return (a % b != 0 && a > 0) ? q + 1 : q;
    }
}
