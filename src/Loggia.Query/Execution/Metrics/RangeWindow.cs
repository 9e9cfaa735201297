namespace Loggia.Query.Execution.Metrics;

/// <summary>The step grid of a range aggregation with its range and offset (all in nanoseconds).</summary>
internal readonly record struct RangeWindow(StepGrid Grid, long RangeNanos, long OffsetNanos)
{
    /// <summary>Go's <c>time.Duration.Seconds()</c> of the range, the divisor of Loki's per-second rates.</summary>
    public double RangeSeconds => (RangeNanos / 1_000_000_000) + ((RangeNanos % 1_000_000_000) / 1e9);

    /// <summary>The end (inclusive) of step <paramref name="step"/>'s window; its start (exclusive) is this minus the range.</summary>
    public long WindowEnd(int step) => Grid.TimeAt(step) - OffsetNanos;
}
