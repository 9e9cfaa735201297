using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Storage.Retention;

/// <summary>Retention's instruments (meter <c>Loggia.Retention</c>).</summary>
internal sealed class RetentionMetrics : IDisposable
{
    public const string MeterName = "Loggia.Retention";

    private readonly Meter _meter;

    public RetentionMetrics(MetricsScope scope)
    {
        _meter = scope.CreateMeter(MeterName);
        Blocks = _meter.CreateCounter<long>("loggia_retention_blocks_total", "{block}", "Blocks changed by retention, by action (dropped, rewritten, skipped).");
        DeletedEntries = _meter.CreateCounter<long>("loggia_retention_deleted_entries_total", "{entry}", "Entries deleted by retention.");
        DeletedFiles = _meter.CreateCounter<long>("loggia_retention_deleted_files_total", "{file}", "Block files removed after the delete delay.");
    }

    public Counter<long> Blocks { get; }

    public Counter<long> DeletedEntries { get; }

    public Counter<long> DeletedFiles { get; }

    public void Dispose() => _meter.Dispose();
}
