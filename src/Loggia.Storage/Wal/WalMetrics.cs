using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Storage.Wal;

/// <summary>The WAL's instruments on the <c>Loggia.Wal</c> meter (exported to Prometheus elsewhere).</summary>
internal sealed class WalMetrics : IDisposable
{
    public const string MeterName = "Loggia.Wal";

    private readonly Meter _meter;

    public WalMetrics(MetricsScope scope, Func<long> pendingBytes, Func<int> segmentCount)
    {
        _meter = scope.CreateMeter(MeterName);
        Records = _meter.CreateCounter<long>("loggia_wal_records_total", "{record}", "Records made durable in the WAL.");
        Bytes = _meter.CreateCounter<long>("loggia_wal_bytes_total", "By", "Bytes (record headers included) written to the WAL.");
        Fsyncs = _meter.CreateCounter<long>("loggia_wal_fsyncs_total", "{fsync}", "fsync calls on WAL segment files.");
        Corruptions = _meter.CreateCounter<long>("loggia_wal_corruptions_total", "{damage}", "Torn or corrupt places found during WAL recovery.");
        FsyncDuration = _meter.CreateHistogram<double>("loggia_wal_fsync_duration_seconds", "s", "Duration of one WAL fsync.");
        BatchRecords = _meter.CreateHistogram<long>("loggia_wal_batch_records", "{record}", "Records written by one group commit.");
        _meter.CreateObservableGauge("loggia_wal_pending_bytes", pendingBytes, "By", "Bytes accepted but not yet durable.");
        _meter.CreateObservableGauge("loggia_wal_segments", segmentCount, "{segment}", "Segment files in the WAL directory.");
    }

    public Counter<long> Records { get; }

    public Counter<long> Bytes { get; }

    public Counter<long> Fsyncs { get; }

    public Counter<long> Corruptions { get; }

    public Histogram<double> FsyncDuration { get; }

    public Histogram<long> BatchRecords { get; }

    public void Dispose() => _meter.Dispose();
}
