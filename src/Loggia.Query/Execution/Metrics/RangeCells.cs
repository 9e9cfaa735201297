using Loggia.Query.LogQL.Syntax;

namespace Loggia.Query.Execution.Metrics;

/// <summary>
/// The per-step state of one series of a range aggregation. A sample is added to every step whose window contains
/// it (a contiguous run of steps), so state grows with steps, not with lines; only <c>quantile_over_time</c> and
/// <c>rate_counter</c> keep the samples themselves, because their value depends on all of a window's samples.
/// </summary>
internal abstract class RangeCells
{
    /// <summary>Adds a sample (timestamp ns, value) to steps <paramref name="first"/>..<paramref name="last"/>.</summary>
    public abstract void Add(int first, int last, long timestamp, double value);

    /// <summary>Writes the value of each step that has samples into <paramref name="target"/>.</summary>
    public abstract void Emit(StepSeries target, in RangeWindow window);

    /// <summary>Creates the state for <paramref name="op"/> over <paramref name="steps"/> steps.</summary>
    public static RangeCells Create(RangeOp op, bool unwrapped, double parameter, int steps) => op switch
    {
        RangeOp.CountOverTime or RangeOp.AbsentOverTime => new CountCells(steps, perSecond: false),
        RangeOp.Rate when !unwrapped => new CountCells(steps, perSecond: true),
        RangeOp.BytesOverTime => new BytesCells(steps, perSecond: false),
        RangeOp.BytesRate => new BytesCells(steps, perSecond: true),
        RangeOp.Rate => new SumCells(steps, perSecond: true),
        RangeOp.SumOverTime => new SumCells(steps, perSecond: false),
        RangeOp.AvgOverTime => new AvgCells(steps),
        RangeOp.MinOverTime => new MinMaxCells(steps, max: false),
        RangeOp.MaxOverTime => new MinMaxCells(steps, max: true),
        RangeOp.FirstOverTime => new FirstLastCells(steps, last: false),
        RangeOp.LastOverTime => new FirstLastCells(steps, last: true),
        RangeOp.StdvarOverTime => new VarianceCells(steps, deviation: false),
        RangeOp.StddevOverTime => new VarianceCells(steps, deviation: true),
        RangeOp.QuantileOverTime => new SampleListCells(q => SampleListCells.Quantile(parameter, q)),
        RangeOp.RateCounter => new SampleListCells(null),
        _ => throw new NotSupportedException($"unsupported range operation {LogQLOperators.Name(op)}"),
    };

    /// <summary>Counts with a difference array: O(1) per sample whatever the number of steps it spans.</summary>
    private sealed class CountCells(int steps, bool perSecond) : RangeCells
    {
        private readonly long[] _diff = new long[steps + 1];

        public override void Add(int first, int last, long timestamp, double value)
        {
            _diff[first]++;
            _diff[last + 1]--;
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            long count = 0;
            for (var i = 0; i < target.Values.Length; i++)
            {
                count += _diff[i];
                if (count > 0)
                {
                    target.Set(i, perSecond ? count / window.RangeSeconds : count);
                }
            }
        }
    }

    /// <summary>Line byte counts (integers, so exact) with difference arrays.</summary>
    private sealed class BytesCells(int steps, bool perSecond) : RangeCells
    {
        private readonly long[] _count = new long[steps + 1];
        private readonly long[] _bytes = new long[steps + 1];

        public override void Add(int first, int last, long timestamp, double value)
        {
            _count[first]++;
            _count[last + 1]--;
            _bytes[first] += (long)value;
            _bytes[last + 1] -= (long)value;
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            long count = 0;
            long bytes = 0;
            for (var i = 0; i < target.Values.Length; i++)
            {
                count += _count[i];
                bytes += _bytes[i];
                if (count > 0)
                {
                    target.Set(i, perSecond ? bytes / window.RangeSeconds : bytes);
                }
            }
        }
    }

    /// <summary>Sums of unwrapped values, added per step so that floating-point results match a direct sum.</summary>
    private sealed class SumCells(int steps, bool perSecond) : RangeCells
    {
        private readonly double[] _sum = new double[steps];
        private readonly bool[] _has = new bool[steps];

        public override void Add(int first, int last, long timestamp, double value)
        {
            for (var i = first; i <= last; i++)
            {
                _sum[i] += value;
                _has[i] = true;
            }
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            for (var i = 0; i < _sum.Length; i++)
            {
                if (_has[i])
                {
                    target.Set(i, perSecond ? _sum[i] / window.RangeSeconds : _sum[i]);
                }
            }
        }
    }

    /// <summary>Loki's incremental mean, including its handling of infinities.</summary>
    private sealed class AvgCells(int steps) : RangeCells
    {
        private readonly double[] _mean = new double[steps];
        private readonly long[] _count = new long[steps];

        public override void Add(int first, int last, long timestamp, double value)
        {
            for (var i = first; i <= last; i++)
            {
                var count = ++_count[i];
                var mean = _mean[i];
                if (double.IsInfinity(mean))
                {
                    if (double.IsInfinity(value) && (mean > 0) == (value > 0))
                    {
                        continue;
                    }
                    if (!double.IsInfinity(value) && !double.IsNaN(value))
                    {
                        continue;
                    }
                }
                _mean[i] = mean + (value / count) - (mean / count);
            }
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            for (var i = 0; i < _mean.Length; i++)
            {
                if (_count[i] > 0)
                {
                    target.Set(i, _mean[i]);
                }
            }
        }
    }

    private sealed class MinMaxCells : RangeCells
    {
        private readonly double[] _value;
        private readonly bool[] _has;
        private readonly bool _max;

        public MinMaxCells(int steps, bool max)
        {
            _value = new double[steps];
            Array.Fill(_value, double.NaN);
            _has = new bool[steps];
            _max = max;
        }

        public override void Add(int first, int last, long timestamp, double value)
        {
            for (var i = first; i <= last; i++)
            {
                var current = _value[i];
                // Loki: a NaN so far is always replaced; otherwise only by a strictly larger (smaller) value.
                if (double.IsNaN(current) || (_max ? value > current : value < current))
                {
                    _value[i] = value;
                }
                _has[i] = true;
            }
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            for (var i = 0; i < _value.Length; i++)
            {
                if (_has[i])
                {
                    target.Set(i, _value[i]);
                }
            }
        }
    }

    /// <summary>First/last by timestamp; on equal timestamps the first arrival is first and the last arrival last.</summary>
    private sealed class FirstLastCells(int steps, bool last) : RangeCells
    {
        private readonly double[] _value = new double[steps];
        private readonly long[] _time = new long[steps];
        private readonly bool[] _has = new bool[steps];

        public override void Add(int first, int lastStep, long timestamp, double value)
        {
            for (var i = first; i <= lastStep; i++)
            {
                if (!_has[i] || (last ? timestamp >= _time[i] : timestamp < _time[i]))
                {
                    _value[i] = value;
                    _time[i] = timestamp;
                    _has[i] = true;
                }
            }
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            for (var i = 0; i < _value.Length; i++)
            {
                if (_has[i])
                {
                    target.Set(i, _value[i]);
                }
            }
        }
    }

    /// <summary>Welford's online variance, as Loki computes stdvar/stddev_over_time.</summary>
    private sealed class VarianceCells(int steps, bool deviation) : RangeCells
    {
        private readonly double[] _mean = new double[steps];
        private readonly double[] _aux = new double[steps];
        private readonly long[] _count = new long[steps];

        public override void Add(int first, int last, long timestamp, double value)
        {
            for (var i = first; i <= last; i++)
            {
                var count = ++_count[i];
                var delta = value - _mean[i];
                _mean[i] += delta / count;
                _aux[i] += delta * (value - _mean[i]);
            }
        }

        public override void Emit(StepSeries target, in RangeWindow window)
        {
            for (var i = 0; i < _mean.Length; i++)
            {
                if (_count[i] > 0)
                {
                    var variance = _aux[i] / _count[i];
                    target.Set(i, deviation ? Math.Sqrt(variance) : variance);
                }
            }
        }
    }
}
