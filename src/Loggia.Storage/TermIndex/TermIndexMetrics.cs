using System.Diagnostics.Metrics;
using Loggia.Core.Diagnostics;

namespace Loggia.Storage.TermIndex;

/// <summary>The term index's instruments (meter <c>Loggia.TermIndex</c>).</summary>
internal sealed class TermIndexMetrics : IDisposable
{
    private readonly Meter _meter;

    public TermIndexMetrics(MetricsScope scope)
    {
        _meter = scope.CreateMeter("Loggia.TermIndex");
        BlocksSkipped = _meter.CreateCounter<long>("loggia_term_index_blocks_skipped_total", "{block}", "Blocks a query did not open because the term index rules out its required terms.");
        SegmentsBuilt = _meter.CreateCounter<long>("loggia_term_index_segments_built_total", "{segment}", "Tenant-day segments of the term index (re)built.");
        BlockTermsRebuilt = _meter.CreateCounter<long>("loggia_term_index_block_terms_rebuilt_total", "{block}", "Block term data derived again from the block's data: the term file was missing, damaged, or deleted when its day was sealed.");
        BlockTermsDeleted = _meter.CreateCounter<long>("loggia_term_index_block_terms_deleted_total", "{file}", "Block term files deleted when their day was sealed into its segment.");
    }

    public Counter<long> BlocksSkipped { get; }

    public Counter<long> SegmentsBuilt { get; }

    public Counter<long> BlockTermsRebuilt { get; }

    public Counter<long> BlockTermsDeleted { get; }

    public void Dispose() => _meter.Dispose();
}
