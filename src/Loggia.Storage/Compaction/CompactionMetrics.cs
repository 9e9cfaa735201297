using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Storage.Compaction;

/// <summary>Compaction's instruments (meter <c>Loggia.Compaction</c>).</summary>
internal sealed class CompactionMetrics : IDisposable
{
    private readonly Meter _meter;

    public CompactionMetrics(MetricsScope scope)
    {
        _meter = scope.CreateMeter("Loggia.Compaction");
        Merges = _meter.CreateCounter<long>("loggia_compaction_merges_total", "{merge}", "Merges of small blocks into one, by outcome (merged, conflict, skipped).");
        InputBlocks = _meter.CreateCounter<long>("loggia_compaction_input_blocks_total", "{block}", "Blocks replaced by compaction.");
        InputBytes = _meter.CreateCounter<long>("loggia_compaction_input_bytes_total", "By", "Bytes of the blocks replaced by compaction.");
        DeletedFiles = _meter.CreateCounter<long>("loggia_compaction_deleted_files_total", "{file}", "Files of compacted blocks removed after the delete delay.");
    }

    public Counter<long> Merges { get; }

    public Counter<long> InputBlocks { get; }

    public Counter<long> InputBytes { get; }

    public Counter<long> DeletedFiles { get; }

    public void Dispose() => _meter.Dispose();
}
