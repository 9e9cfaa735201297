using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Loggia.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Loggia.Server.Metrics;

/// <summary>
/// Collects the <c>System.Diagnostics.Metrics</c> instruments of one server — the meters of its
/// <see cref="MetricsScope"/>, plus process-wide meters (no scope) named <c>Loggia*</c> — and renders them in the Prometheus text exposition format (0.0.4) for <c>/metrics</c>.
/// Instrument names are used as metric names (they are chosen Prometheus-style, e.g.
/// <c>loggia_wal_fsync_duration_seconds</c>); tags become labels. Counters are cumulative,
/// histograms use fixed buckets (seconds-scale for <c>*_seconds</c>, powers of four otherwise).
/// </summary>
public sealed partial class PrometheusExporter : IDisposable
{
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] CountBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly MetricsScope _scope;
    private readonly string _meterPrefix;
    private readonly ILogger _logger;

    /// <summary>
    /// Starts listening to the meters of <paramref name="scope"/> and to process-wide meters (created without a
    /// scope) whose name starts with <paramref name="meterPrefix"/>.
    /// </summary>
    public PrometheusExporter(MetricsScope scope, string meterPrefix = "Loggia", ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        _scope = scope;
        _meterPrefix = meterPrefix;
        _logger = logger ?? NullLogger.Instance;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsExported(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument, _instruments.GetOrAdd(instrument, static i => new InstrumentState(i)));
            }
        };

        // The state is null when a measurement races the instrument's meter being disposed: nothing to record.
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => (state as InstrumentState)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (instrument, value, tags, state) => (state as InstrumentState)?.Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => (state as InstrumentState)?.Record(value, tags));
        _listener.MeasurementsCompleted = (instrument, state) => _instruments.TryRemove(instrument, out var removed);
        _listener.Start();
    }

    /// <summary>
    /// Renders all metrics (observable instruments are read now). A gauge callback that throws is logged and
    /// skipped: one broken gauge never hides the other metrics.
    /// </summary>
    public string Render()
    {
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException failures)
        {
            foreach (var failure in failures.InnerExceptions)
            {
                LogGaugeFailed(_logger, failure);
            }
        }

        var text = new StringBuilder(4096);
        var states = new List<InstrumentState>(_instruments.Values);
        states.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var state in states)
        {
            state.Render(text);
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private bool IsExported(Meter meter) =>
        _scope.Owns(meter) || (meter.Scope is null && meter.Name.StartsWith(_meterPrefix, StringComparison.Ordinal));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A gauge callback failed while rendering /metrics; the gauge is left out")]
    private static partial void LogGaugeFailed(ILogger logger, Exception exception);

    /// <summary>The series of one instrument, keyed by their rendered label set.</summary>
    private sealed class InstrumentState(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        private readonly bool _isHistogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
        private readonly bool _isCounter = instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal)
            || instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal);

        // Observable instruments and gauges report the current value; counters and up-down counters report deltas.
        private readonly bool _reportsLevel = instrument.IsObservable || instrument.GetType().Name.StartsWith("Gauge", StringComparison.Ordinal);

        public string Name { get; } = Sanitize(instrument.Name);

        private double[] Buckets => Name.EndsWith("_seconds", StringComparison.Ordinal) ? SecondsBuckets : CountBuckets;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var key = tags.IsEmpty ? "" : LabelKey(tags);
            var series = _series.GetOrAdd(key, static (_, state) => new Series(state._isHistogram ? state.Buckets.Length : 0), this);
            lock (series)
            {
                if (_isHistogram)
                {
                    var buckets = Buckets;
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        if (value <= buckets[i])
                        {
                            series.BucketCounts[i]++;
                        }
                    }

                    series.Count++;
                    series.Sum += value;
                }
                else if (_reportsLevel)
                {
                    series.Sum = value;
                }
                else
                {
                    series.Sum += value;
                }
            }
        }

        public void Render(StringBuilder text)
        {
            if (_series.IsEmpty)
            {
                return;
            }

            var type = _isHistogram ? "histogram" : _isCounter ? "counter" : "gauge";
            if (!string.IsNullOrEmpty(instrument.Description))
            {
                text.Append("# HELP ").Append(Name).Append(' ').Append(instrument.Description.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            var keys = new List<string>(_series.Keys);
            keys.Sort(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var series = _series[key];
                lock (series)
                {
                    if (!_isHistogram)
                    {
                        AppendSample(text, Name, key, series.Sum);
                        continue;
                    }

                    var buckets = Buckets;
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        AppendSample(text, Name + "_bucket", Join(key, "le=\"" + Format(buckets[i]) + "\""), series.BucketCounts[i]);
                    }

                    AppendSample(text, Name + "_bucket", Join(key, "le=\"+Inf\""), series.Count);
                    AppendSample(text, Name + "_sum", key, series.Sum);
                    AppendSample(text, Name + "_count", key, series.Count);
                }
            }
        }

        private static string Join(string key, string label) => key.Length == 0 ? label : key + "," + label;

        private static void AppendSample(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(Format(value)).Append('\n');
        }

        private static string Format(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);

        private static string LabelKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var pairs = new List<KeyValuePair<string, object?>>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add(tag);
            }

            pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var key = new StringBuilder();
            foreach (var (name, value) in pairs)
            {
                if (key.Length > 0)
                {
                    key.Append(',');
                }

                key.Append(Sanitize(name)).Append("=\"");
                foreach (var c in Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
                {
                    _ = c switch
                    {
                        '\\' => key.Append("\\\\"),
                        '"' => key.Append("\\\""),
                        '\n' => key.Append("\\n"),
                        _ => key.Append(c),
                    };
                }

                key.Append('"');
            }

            return key.ToString();
        }

        private static string Sanitize(string name)
        {
            var result = new StringBuilder(name.Length);
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (c == ':' && i > 0) ? c : '_');
            }

            return result.Length > 0 && char.IsAsciiDigit(result[0]) ? "_" + result : result.ToString();
        }
    }

    /// <summary>One labelled series: a running sum (or level), and bucket counts for histograms.</summary>
    private sealed class Series(int buckets)
    {
        public double Sum;
        public long Count;
        public readonly long[] BucketCounts = new long[buckets];
    }
}
